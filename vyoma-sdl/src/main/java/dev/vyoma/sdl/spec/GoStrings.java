package dev.vyoma.sdl.spec;

import java.util.Comparator;

/**
 * String ordering as Go compares strings: byte-wise over UTF-8, which equals code point order. Java's
 * {@link String#compareTo} orders UTF-16 units and differs for characters outside the BMP, so every sort
 * that reaches a group spec or a manifest hash goes through here.
 */
public final class GoStrings {
    /** Byte-wise UTF-8 order. */
    public static final Comparator<String> ORDER = GoStrings::compare;

    private GoStrings() {}

    /** Compares two strings by code point, which is the order of their UTF-8 bytes. */
    public static int compare(String a, String b) {
        int n = Math.min(a.length(), b.length());
        for (int i = 0; i < n; i++) {
            char x = a.charAt(i);
            char y = b.charAt(i);
            if (x != y) {
                if (Character.isSurrogate(x) || Character.isSurrogate(y)) {
                    return Integer.compare(a.codePointAt(i), b.codePointAt(i));
                }
                return Character.compare(x, y);
            }
        }
        return Integer.compare(a.length(), b.length());
    }
}
