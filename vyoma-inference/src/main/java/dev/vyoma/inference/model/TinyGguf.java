package dev.vyoma.inference.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Writes a tiny llama-architecture GGUF model with random weights (about 460 KB): two blocks, 64-wide
 * embeddings, a byte-level vocabulary of 259 tokens (ASCII bytes; the upper 128 bytes are control tokens). Its output is gibberish by design, but llama.cpp loads
 * and runs it for real, so tokenization, context limits, streaming, token counts and billing are exercised
 * without shipping weights. The same seed gives the same file.
 */
public final class TinyGguf {
    /** Context window of the generated model, in tokens. */
    public static final int CONTEXT_TOKENS = 256;

    private static final int EMBEDDING = 64;
    private static final int BLOCKS = 2;
    private static final int FEED_FORWARD = 128;
    private static final int HEADS = 4;
    private static final int VOCAB = 259;
    private static final int ALIGNMENT = 32;

    private static final int TYPE_U32 = 4;
    private static final int TYPE_I32 = 5;
    private static final int TYPE_F32 = 6;
    private static final int TYPE_STRING = 8;
    private static final int TYPE_ARRAY = 9;

    private TinyGguf() {}

    // Built and written by write() alone, never compared or printed; the weights are too many to box.
    @SuppressWarnings("ArrayRecordComponent")
    private record Tensor(String name, long[] dims, float[] data) {}

    /** Writes the model to {@code file} (created or replaced) from {@code seed}; returns the file. */
    public static Path write(Path file, long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<Tensor> tensors = new ArrayList<>();
        tensors.add(random("token_embd.weight", random, EMBEDDING, VOCAB));
        tensors.add(ones("output_norm.weight", EMBEDDING));
        tensors.add(random("output.weight", random, EMBEDDING, VOCAB));
        for (int i = 0; i < BLOCKS; i++) {
            String b = "blk." + i + ".";
            tensors.add(ones(b + "attn_norm.weight", EMBEDDING));
            for (String w : List.of("attn_q", "attn_k", "attn_v", "attn_output")) {
                tensors.add(random(b + w + ".weight", random, EMBEDDING, EMBEDDING));
            }
            tensors.add(ones(b + "ffn_norm.weight", EMBEDDING));
            tensors.add(random(b + "ffn_gate.weight", random, EMBEDDING, FEED_FORWARD));
            tensors.add(random(b + "ffn_up.weight", random, EMBEDDING, FEED_FORWARD));
            tensors.add(random(b + "ffn_down.weight", random, FEED_FORWARD, EMBEDDING));
        }

        Buf h = new Buf();
        h.raw("GGUF".getBytes(StandardCharsets.US_ASCII));
        h.u32(3);
        h.u64(tensors.size());
        h.u64(17);
        h.kvString("general.architecture", "llama");
        h.kvString("general.name", "vyoma-tiny-random");
        h.kvU32("llama.context_length", CONTEXT_TOKENS);
        h.kvU32("llama.embedding_length", EMBEDDING);
        h.kvU32("llama.block_count", BLOCKS);
        h.kvU32("llama.feed_forward_length", FEED_FORWARD);
        h.kvU32("llama.attention.head_count", HEADS);
        h.kvU32("llama.attention.head_count_kv", HEADS);
        h.kvU32("llama.rope.dimension_count", EMBEDDING / HEADS);
        h.key("llama.attention.layer_norm_rms_epsilon");
        h.u32(TYPE_F32);
        h.f32(1e-5f);
        h.kvString("tokenizer.ggml.model", "llama");
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        for (int b = 0; b < 256; b++) {
            tokens.add(String.format("<0x%02X>", b));
        }
        h.key("tokenizer.ggml.tokens");
        h.u32(TYPE_ARRAY);
        h.u32(TYPE_STRING);
        h.u64(tokens.size());
        tokens.forEach(h::string);
        h.key("tokenizer.ggml.scores");
        h.u32(TYPE_ARRAY);
        h.u32(TYPE_F32);
        h.u64(VOCAB);
        for (int i = 0; i < VOCAB; i++) {
            h.f32(0f);
        }
        h.key("tokenizer.ggml.token_type");
        h.u32(TYPE_ARRAY);
        h.u32(TYPE_I32);
        h.u64(VOCAB);
        for (int i = 0; i < VOCAB; i++) {
            // Bytes 0x80–0xFF are control tokens (rendered as nothing): every generated token is then whole
            // UTF-8 text on its own, which llama.cpp streams as one piece per token.
            h.u32(i == 0 ? 2 : i < 3 || i >= 3 + 0x80 ? 3 : 6);
        }
        h.kvU32("tokenizer.ggml.unknown_token_id", 0);
        h.kvU32("tokenizer.ggml.bos_token_id", 1);
        h.kvU32("tokenizer.ggml.eos_token_id", 2);

        long offset = 0;
        for (Tensor t : tensors) {
            h.string(t.name());
            h.u32(t.dims().length);
            for (long d : t.dims()) {
                h.u64(d);
            }
            h.u32(0); // F32
            h.u64(offset);
            offset = align(offset + 4L * t.data().length);
        }
        h.pad();
        Buf data = new Buf();
        for (Tensor t : tensors) {
            for (float f : t.data()) {
                data.f32(f);
            }
            data.pad();
        }
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (OutputStream out = Files.newOutputStream(file)) {
            h.writeTo(out);
            data.writeTo(out);
        }
        return file;
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    private static Tensor ones(String name, int n) {
        float[] d = new float[n];
        java.util.Arrays.fill(d, 1f);
        return new Tensor(name, new long[] {n}, d);
    }

    private static Tensor random(String name, SplittableRandom random, int inner, int outer) {
        float[] d = new float[inner * outer];
        for (int i = 0; i < d.length; i++) {
            d[i] = (float) (gaussian(random) * 0.02);
        }
        return new Tensor(name, new long[] {inner, outer}, d);
    }

    private static double gaussian(SplittableRandom r) {
        double u = 1 - r.nextDouble();
        double v = r.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }

    /** A little-endian byte buffer that grows. */
    private static final class Buf {
        private ByteBuffer b = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void room(int n) {
            if (b.remaining() < n) {
                ByteBuffer bigger = ByteBuffer.allocate(Math.max(b.capacity() * 2, b.position() + n))
                        .order(ByteOrder.LITTLE_ENDIAN);
                b.flip();
                bigger.put(b);
                b = bigger;
            }
        }

        void raw(byte[] x) {
            room(x.length);
            b.put(x);
        }

        void u32(int v) {
            room(4);
            b.putInt(v);
        }

        void u64(long v) {
            room(8);
            b.putLong(v);
        }

        void f32(float v) {
            room(4);
            b.putFloat(v);
        }

        void string(String s) {
            byte[] x = s.getBytes(StandardCharsets.UTF_8);
            u64(x.length);
            raw(x);
        }

        void key(String k) {
            string(k);
        }

        void kvString(String k, String v) {
            key(k);
            u32(TYPE_STRING);
            string(v);
        }

        void kvU32(String k, int v) {
            key(k);
            u32(TYPE_U32);
            u32(v);
        }

        void pad() {
            int n = (int) (align(b.position()) - b.position());
            room(n);
            for (int i = 0; i < n; i++) {
                b.put((byte) 0);
            }
        }

        void writeTo(OutputStream out) throws IOException {
            out.write(b.array(), 0, b.position());
        }
    }
}
