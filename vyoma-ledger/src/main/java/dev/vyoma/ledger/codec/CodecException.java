package dev.vyoma.ledger.codec;

/** Bytes that are not a canonical encoding of the expected type, or a type the codec cannot encode. */
public final class CodecException extends RuntimeException {
    public CodecException(String message) {
        super(message);
    }
}
