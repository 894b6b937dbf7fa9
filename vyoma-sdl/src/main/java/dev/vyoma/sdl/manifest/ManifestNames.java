package dev.vyoma.sdl.manifest;

import java.util.regex.Pattern;

/**
 * The naming rules a manifest shares with the SDL it was built from, in one place: the SDL reader checks a file
 * with them and a provider checks a manifest it receives with them, so both accept the same names.
 */
public final class ManifestNames {
    /** A service name, as Akash's SDL parser requires it: lowercase letters, digits and {@code -}, a letter first. */
    public static final Pattern SERVICE_NAME = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");

    /** An environment variable name, as Kubernetes accepts it. */
    public static final Pattern ENV_NAME = Pattern.compile("^[-._a-zA-Z][-._a-zA-Z0-9]*$");

    private ManifestNames() {}

    /** Whether {@code name} follows the SDL's service-name rule. */
    public static boolean validServiceName(String name) {
        // SERVICE_NAME, by hand: this runs for every service of every file read.
        int n = name.length();
        if (n == 0 || !lowerLetter(name.charAt(0)) || name.charAt(n - 1) == '-') {
            return false;
        }
        for (int i = 1; i < n; i++) {
            char c = name.charAt(i);
            if (!lowerLetter(c) && !digit(c) && c != '-') {
                return false;
            }
        }
        return true;
    }

    /**
     * Whether {@code image} can name a container image: not empty, printable ASCII without spaces. A provider refuses
     * a manifest with any other image, so the SDL reader refuses it too, before a deployment is paid for.
     */
    public static boolean validImage(String image) {
        return !image.isEmpty() && image.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }

    /** Whether {@code name} is a valid environment variable name ({@code .} and names starting {@code ..} are not). */
    public static boolean validEnvName(String name) {
        // ENV_NAME, by hand: this runs for every environment variable of every file read.
        int n = name.length();
        if (n == 0 || digit(name.charAt(0)) || name.equals(".") || name.startsWith("..")) {
            return false;
        }
        for (int i = 0; i < n; i++) {
            char c = name.charAt(i);
            if (!lowerLetter(c) && !(c >= 'A' && c <= 'Z') && !digit(c) && c != '-' && c != '.' && c != '_') {
                return false;
            }
        }
        return true;
    }

    private static boolean lowerLetter(char c) {
        return c >= 'a' && c <= 'z';
    }

    private static boolean digit(char c) {
        return c >= '0' && c <= '9';
    }
}
