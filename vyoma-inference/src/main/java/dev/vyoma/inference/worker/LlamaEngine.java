package dev.vyoma.inference.worker;

import de.kherud.llama.InferenceParameters;
import de.kherud.llama.LlamaIterator;
import de.kherud.llama.LlamaModel;
import de.kherud.llama.LlamaOutput;
import de.kherud.llama.ModelParameters;
import de.kherud.llama.args.LogFormat;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A GGUF model in llama.cpp ({@code de.kherud:llama}): tokenizes, and generates token by token into a
 * callback. llama.cpp runs {@code slots} sequences at once, each with {@code contextTokens} of context;
 * every streamed piece is one sampled token, so the number of pieces is the completion's token count.
 */
public final class LlamaEngine implements AutoCloseable {
    /** The flag llama.cpp sets on the final (empty) piece of a generation: not a token. */
    private static final VarHandle STOP;

    static {
        try {
            STOP = MethodHandles.privateLookupIn(LlamaOutput.class, MethodHandles.lookup())
                    .findVarHandle(LlamaOutput.class, "stop", boolean.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** How a generation ended, with the exact token counts. */
    public record Generation(String text, int promptTokens, int completionTokens, String finishReason) {}

    private final LlamaModel model;
    private final int contextTokens;
    private final int slots;

    /** Loads {@code file} with {@code slots} parallel sequences of {@code contextTokens} each, on {@code threads}. */
    public LlamaEngine(Path file, int contextTokens, int slots, int threads) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no model file at " + file + "; give a .gguf file with --model");
        }
        this.contextTokens = contextTokens;
        this.slots = slots;
        LlamaModel.setLogger(LogFormat.TEXT, (level, message) -> {});
        this.model = new LlamaModel(new ModelParameters()
                .setModel(file.toString())
                .setCtxSize(contextTokens * slots)
                .setParallel(slots)
                .setThreads(threads)
                .setThreadsBatch(threads)
                .disableContextShift()
                .disableLog());
    }

    public int contextTokens() {
        return contextTokens;
    }

    public int slots() {
        return slots;
    }

    /** The tokens llama.cpp evaluates for {@code prompt}: the beginning-of-sequence token and the text's. */
    public int promptTokens(String prompt) {
        return model.encode(prompt).length + 1;
    }

    /**
     * Generates up to {@code maxTokens} after {@code prompt}, each piece of text to {@code onToken}; stops early
     * at the end-of-sequence token (unless {@code ignoreEos}), a stop string, or when {@code cancelled} says so
     * (the client left). The end-of-sequence token itself has no text and is not counted.
     */
    public Generation generate(
            String prompt,
            int promptTokens,
            int maxTokens,
            double temperature,
            double topP,
            Long seed,
            java.util.List<String> stop,
            boolean ignoreEos,
            Consumer<String> onToken,
            BooleanSupplier cancelled) {
        InferenceParameters p = new InferenceParameters(prompt)
                .setNPredict(maxTokens)
                .setTemperature((float) temperature)
                .setTopP((float) topP)
                .setCachePrompt(false)
                .setIgnoreEos(ignoreEos);
        if (seed != null) {
            p.setSeed((int) (long) seed);
        }
        if (!stop.isEmpty()) {
            p.setStopStrings(stop.toArray(String[]::new));
        }
        StringBuilder text = new StringBuilder();
        int tokens = 0;
        LlamaIterator it = model.generate(p).iterator();
        while (it.hasNext()) {
            LlamaOutput o = it.next();
            if ((boolean) STOP.get(o)) {
                if (!o.text.isEmpty()) {
                    text.append(o.text);
                    onToken.accept(o.text);
                }
                break;
            }
            tokens++;
            text.append(o.text);
            onToken.accept(o.text);
            if (cancelled.getAsBoolean()) {
                it.cancel();
                break;
            }
        }
        return new Generation(text.toString(), promptTokens, tokens, tokens >= maxTokens ? "length" : "stop");
    }

    @Override
    public void close() {
        model.close();
    }
}
