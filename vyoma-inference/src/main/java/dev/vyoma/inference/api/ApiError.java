package dev.vyoma.inference.api;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An error as OpenAI writes it: an HTTP status and {@code {"error": {"message", "type", "param", "code"}}}.
 * The message says what to fix. Thrown by handlers; the servers turn it into the response.
 */
public final class ApiError extends RuntimeException {
    private final int status;
    private final String type;
    private final String code;
    private final String param;

    public ApiError(int status, String type, String code, String param, String message) {
        super(message, null, false, false);
        this.status = status;
        this.type = type;
        this.code = code;
        this.param = param;
    }

    public int status() {
        return status;
    }

    public String type() {
        return type;
    }

    public String code() {
        return code;
    }

    /** The error object's body. */
    public Map<String, Object> body() {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", getMessage());
        e.put("type", type);
        e.put("param", param);
        e.put("code", code);
        return Map.of("error", e);
    }

    /** A request the server cannot read or that breaks a rule (400). */
    public static ApiError invalid(String param, String message) {
        return new ApiError(400, "invalid_request_error", "invalid_request", param, message);
    }

    /** A body over what the endpoint takes (413). */
    public static ApiError tooLarge(int maxBytes) {
        return new ApiError(
                413,
                "invalid_request_error",
                "request_too_large",
                null,
                "the request body is over " + maxBytes + " bytes, the most this endpoint takes; send less");
    }

    /** What the web server itself refused (a status of its own, with its reason). */
    public static ApiError http(int status, String reason) {
        return new ApiError(
                status,
                status < 500 ? "invalid_request_error" : "server_error",
                status < 500 ? "invalid_request" : "server_error",
                null,
                "the request was refused: " + reason);
    }

    /** A body that is not JSON (400). */
    public static ApiError malformedJson(String detail) {
        return new ApiError(
                400,
                "invalid_request_error",
                "invalid_json",
                null,
                "the request body is not valid JSON (" + detail + "); send a JSON object");
    }

    /** A model nobody serves here (404). */
    public static ApiError unknownModel(String model, Iterable<String> known) {
        return new ApiError(
                404,
                "invalid_request_error",
                "model_not_found",
                "model",
                "the model '" + model + "' does not exist here; available: " + String.join(", ", known));
    }

    /** Prompt plus completion longer than the model's context (400). */
    public static ApiError contextTooLong(int contextTokens, int promptTokens, int maxTokens) {
        return new ApiError(
                400,
                "invalid_request_error",
                "context_length_exceeded",
                "messages",
                "this model's maximum context length is " + contextTokens + " tokens; the prompt has " + promptTokens
                        + " and max_tokens asks for " + maxTokens + "; shorten the prompt or lower max_tokens");
    }

    /** No key, an unknown key or a revoked one (401). */
    public static ApiError unauthorized(String message) {
        return new ApiError(401, "invalid_request_error", "invalid_api_key", null, message);
    }

    /** Not enough prepaid balance for the request's most it can cost (402, as AkashML). */
    public static ApiError insufficientQuota(String message) {
        return new ApiError(402, "insufficient_quota", "insufficient_quota", null, message);
    }

    /** Over a key's requests per minute or concurrent requests (429). */
    public static ApiError rateLimited(String message) {
        return new ApiError(429, "requests", "rate_limit_exceeded", null, message);
    }

    /** No healthy replica of the model right now (503). */
    public static ApiError noBackend(String model) {
        return new ApiError(
                503,
                "server_error",
                "no_healthy_backend",
                null,
                "no healthy replica of '" + model
                        + "' is available right now; the gateway is leasing one, retry shortly");
    }

    /** The worker failed (502 from the gateway, 500 on the worker). */
    public static ApiError server(int status, String message) {
        return new ApiError(status, "server_error", "server_error", null, message);
    }
}
