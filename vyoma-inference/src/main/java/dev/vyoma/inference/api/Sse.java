package dev.vyoma.inference.api;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A Server-Sent Events response written as it goes: {@code data: JSON} events, then {@code data: [DONE]}. */
public final class Sse implements AutoCloseable {
    private final OutputStream out;
    private boolean broken;

    /** Starts the event stream on {@code ctx}'s response (status 200). */
    public Sse(Context ctx) throws IOException {
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        this.out = ctx.res().getOutputStream();
        out.flush();
    }

    /** Sends one event carrying {@code json}; false once the client has gone. */
    public boolean data(String json) {
        return raw("data: " + json + "\n\n");
    }

    /** Sends a pre-framed piece of the stream (relayed as read); false once the client has gone. */
    public boolean raw(String text) {
        if (broken) {
            return false;
        }
        try {
            out.write(text.getBytes(StandardCharsets.UTF_8));
            out.flush();
            return true;
        } catch (IOException e) {
            broken = true;
            return false;
        }
    }

    /** Whether the client went away. */
    public boolean broken() {
        return broken;
    }

    /** Ends the stream as OpenAI does. */
    public void done() {
        raw("data: [DONE]\n\n");
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            broken = true;
        }
    }
}
