package dev.vyoma.sdl.yaml;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.common.Anchor;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.MappingStartEvent;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.events.ScalarEvent;
import org.snakeyaml.engine.v2.events.SequenceStartEvent;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Builds a {@link YNode} tree from SnakeYAML Engine's event stream. Composing the tree here, not in the
 * library, is what lets us bound depth and alias expansion while reading, keep a position on every node,
 * and apply merge keys.
 */
public final class YamlReader {
    private static final String MERGE_TAG = "tag:yaml.org,2002:merge";

    /**
     * Settings shared by every read (building them per file showed up in profiles). The caller has
     * already bounded the text's size, so the code point limit here only needs to admit it; positions
     * in messages come from our own marks, not from the settings' label.
     */
    private static final LoadSettings SETTINGS = LoadSettings.builder()
            .setLabel("sdl")
            .setUseMarks(true)
            .setCodePointLimit(Integer.MAX_VALUE)
            .build();

    private final int maxDepth;
    private final long maxNodes;

    /**
     * @param maxDepth deepest nesting of mappings and lists accepted
     * @param maxNodes most nodes the document may have once aliases are expanded
     */
    public YamlReader(int maxDepth, long maxNodes) {
        this.maxDepth = maxDepth;
        this.maxNodes = maxNodes;
    }

    /**
     * Reads the single document of {@code text}; an empty stream gives {@link Optional#empty()}. The common
     * block-style SDL is read by {@link BlockYaml}; any other text, and every text with an error, by SnakeYAML
     * Engine, which gives the same tree for what both read.
     */
    public Optional<YNode> read(String text, String sourceName) throws YamlException {
        YNode fast = BlockYaml.read(text, maxDepth, maxNodes);
        if (fast != null) {
            return Optional.of(fast);
        }
        return readWithEngine(text);
    }

    /**
     * Reads {@code text} with SnakeYAML Engine only. Tests compare it with {@link #readSubset}, which must give
     * the same tree wherever it gives one.
     */
    public Optional<YNode> readWithEngine(String text) throws YamlException {
        try {
            return compose(new ParserImpl(SETTINGS, new StreamReader(SETTINGS, text)));
        } catch (MarkedYamlEngineException e) {
            Mark mark = e.getProblemMark().map(YamlReader::mark).orElse(Mark.START);
            throw new YamlException(mark, describe(e));
        } catch (YamlEngineException e) {
            throw new YamlException(Mark.START, "not valid YAML: " + e.getMessage());
        }
    }

    /**
     * Reads {@code text} with the block-style subset reader only: the tree, or empty where the text is outside
     * the subset (where {@link #read} hands it to SnakeYAML Engine).
     */
    public Optional<YNode> readSubset(String text) {
        return Optional.ofNullable(BlockYaml.read(text, maxDepth, maxNodes));
    }

    private Optional<YNode> compose(ParserImpl parser) throws YamlException {
        Map<String, YNode> anchors = new HashMap<>();
        Deque<Frame> stack = new ArrayDeque<>();
        YNode root = null;
        int documents = 0;
        while (parser.hasNext()) {
            Event event = parser.next();
            switch (event.getEventId()) {
                case DocumentStart -> {
                    documents++;
                    if (documents > 1) {
                        throw new YamlException(
                                mark(event), "more than one YAML document (---) in the file; an SDL is one document");
                    }
                }
                case Scalar -> {
                    ScalarEvent s = (ScalarEvent) event;
                    YScalar node = new YScalar(
                            s.getValue(),
                            s.getTag().filter(t -> !t.equals("!")).orElse(null),
                            s.isPlain(),
                            mark(event));
                    root = add(stack, node, root);
                    anchor(anchors, s, node);
                }
                case MappingStart, SequenceStart -> {
                    if (stack.size() >= maxDepth) {
                        throw new YamlException(
                                mark(event),
                                "nesting is deeper than " + maxDepth + " levels; an SDL never needs that many");
                    }
                    Optional<Anchor> anchor = ((NodeEvent) event).getAnchor();
                    boolean mapping = event instanceof MappingStartEvent;
                    stack.push(new Frame(
                            mapping, mark(event), anchor.map(Anchor::getValue).orElse(null)));
                    if (!mapping && !(event instanceof SequenceStartEvent)) {
                        throw new IllegalStateException("unexpected event " + event);
                    }
                }
                case MappingEnd, SequenceEnd -> {
                    Frame frame = stack.pop();
                    YNode node = frame.mapping ? frame.toMapping() : frame.toSequence();
                    if (frame.anchor != null) {
                        anchors.put(frame.anchor, node);
                    }
                    root = add(stack, node, root);
                }
                case Alias -> {
                    AliasEvent a = (AliasEvent) event;
                    String name = a.getAlias().getValue();
                    YNode target = anchors.get(name);
                    if (target == null) {
                        throw new YamlException(mark(event), "alias *" + name + " refers to no anchor &" + name);
                    }
                    root = add(stack, target, root);
                }
                default -> {
                    // stream start/end, document end, comments: nothing to build
                }
            }
            if (root != null && root.weight() > maxNodes) {
                throw tooManyNodes(root.mark());
            }
        }
        return Optional.ofNullable(root);
    }

    private YNode add(Deque<Frame> stack, YNode node, YNode root) throws YamlException {
        if (stack.isEmpty()) {
            return node;
        }
        Frame parent = stack.peek();
        parent.weight += node.weight();
        if (parent.weight > maxNodes) {
            throw tooManyNodes(node.mark());
        }
        parent.children.add(node);
        return root;
    }

    private YamlException tooManyNodes(Mark mark) {
        return new YamlException(
                mark,
                "the document expands to more than " + maxNodes
                        + " nodes through aliases (*name); remove the alias bomb or repeated aliases");
    }

    private static void anchor(Map<String, YNode> anchors, NodeEvent event, YNode node) {
        event.getAnchor().ifPresent(a -> anchors.put(a.getValue(), node));
    }

    private static Mark mark(Event e) {
        return e.getStartMark().map(YamlReader::mark).orElse(Mark.START);
    }

    private static Mark mark(org.snakeyaml.engine.v2.exceptions.Mark m) {
        return new Mark(m.getLine() + 1, m.getColumn() + 1);
    }

    private static String describe(MarkedYamlEngineException e) {
        String problem = e.getProblem() == null ? "invalid YAML" : e.getProblem();
        String context = e.getContext();
        String text = context == null ? problem : context + ": " + problem;
        return "not valid YAML: "
                + text.replace('\n', ' ').replaceAll("\\s+", " ").trim();
    }

    /** A mapping or sequence being built. */
    private static final class Frame {
        final boolean mapping;
        final Mark mark;
        final String anchor;
        final List<YNode> children = new ArrayList<>();
        long weight = 1;

        Frame(boolean mapping, Mark mark, String anchor) {
            this.mapping = mapping;
            this.mark = mark;
            this.anchor = anchor;
        }

        YSequence toSequence() {
            return new YSequence(children, mark, weight);
        }

        YMapping toMapping() throws YamlException {
            List<YMapping.Entry> explicit = new ArrayList<>(children.size() / 2);
            List<YMapping> merged = new ArrayList<>();
            for (int i = 0; i + 1 < children.size(); i += 2) {
                YNode key = children.get(i);
                YNode value = children.get(i + 1);
                if (!(key instanceof YScalar k)) {
                    throw new YamlException(key.mark(), "a mapping key must be a plain name, not " + key.describe());
                }
                if (isMergeKey(k)) {
                    collectMerge(k, value, merged);
                } else {
                    explicit.add(new YMapping.Entry(k, value));
                }
            }
            if (merged.isEmpty()) {
                return new YMapping(explicit, mark, weight);
            }
            // Explicit keys win over merged ones; earlier merged mappings win over later ones.
            Set<String> present = new LinkedHashSet<>();
            for (YMapping.Entry e : explicit) {
                present.add(e.key().value());
            }
            List<YMapping.Entry> entries = new ArrayList<>(explicit);
            for (YMapping source : merged) {
                for (YMapping.Entry e : source.entries()) {
                    if (present.add(e.key().value())) {
                        entries.add(e);
                    }
                }
            }
            return new YMapping(entries, mark, weight);
        }

        private static boolean isMergeKey(YScalar k) {
            return (k.plain() && k.tag() == null && k.value().equals("<<")) || MERGE_TAG.equals(k.tag());
        }

        private static void collectMerge(YScalar key, YNode value, List<YMapping> merged) throws YamlException {
            if (value instanceof YMapping m) {
                merged.add(m);
                return;
            }
            if (value instanceof YSequence s) {
                for (YNode item : s.items()) {
                    if (!(item instanceof YMapping m)) {
                        throw new YamlException(item.mark(), "a merge key (<<) takes mappings, not " + item.describe());
                    }
                    merged.add(m);
                }
                return;
            }
            throw new YamlException(key.mark(), "a merge key (<<) takes a mapping or a list of mappings");
        }
    }
}
