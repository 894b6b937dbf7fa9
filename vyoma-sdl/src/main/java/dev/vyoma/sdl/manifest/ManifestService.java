package dev.vyoma.sdl.manifest;

import dev.vyoma.sdl.spec.Resources;
import java.util.List;
import java.util.Objects;

/**
 * One service of a manifest group. {@code command}, {@code args} and {@code env} are {@code null} when
 * the SDL omits them (an empty list is kept as empty: the two hash differently). {@code resources.id()}
 * names the resource unit of the group spec that this service's replicas use.
 */
public record ManifestService(
        String name,
        String image,
        List<String> command,
        List<String> args,
        List<String> env,
        Resources resources,
        int count,
        List<ServiceExpose> expose,
        ServiceParams params,
        ImageCredentials credentials) {
    public ManifestService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(resources, "resources");
        command = command == null ? null : List.copyOf(command);
        args = args == null ? null : List.copyOf(args);
        env = env == null ? null : List.copyOf(env);
        expose = List.copyOf(expose);
    }
}
