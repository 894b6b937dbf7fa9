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
        return SERVICE_NAME.matcher(name).matches();
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
        return ENV_NAME.matcher(name).matches() && !name.equals(".") && !name.startsWith("..");
    }
}
