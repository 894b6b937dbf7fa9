package dev.vyoma.provider.runtime.container;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.PullResponseItem;
import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Gets a replica's image onto the engine: nothing to do if it is there, else a pull, with the SDL's credentials
 * for a private registry. What the pull does is told as it goes (each layer's steps, then how long it took, at most
 * {@link #MAX_EVENTS_PER_PULL} lines), and a pull that fails gives the registry's reason, as the engine words it
 * ({@code unauthorized: authentication required}, {@code manifest unknown}, a connection refused...). The pull
 * streams on the engine's client without a read timeout (a large layer can be quiet for minutes) and is given up
 * after {@link #PULL_TIMEOUT}.
 */
final class ImagePuller {
    /** The longest an image pull may take. */
    static final Duration PULL_TIMEOUT = Duration.ofMinutes(10);
    /** Progress lines told per pull; the rest are counted, not told. */
    static final int MAX_EVENTS_PER_PULL = 20;
    /** The engine's reason kept for a failed pull: its end, where the registry's own words are. */
    static final int MAX_REASON_CHARS = 300;

    private final DockerClient api;
    private final DockerClient streams;

    ImagePuller(Engine engine) {
        this.api = engine.api();
        this.streams = engine.streams();
    }

    /** Empty if {@code image} is here or was pulled (with {@code auth} if not null); else why it cannot be had. */
    Optional<String> pull(String image, LeasePlan.Auth auth, Consumer<String> events) {
        if (present(image)) {
            return Optional.empty();
        }
        boolean tagged = image.contains("@")
                || image.substring(image.lastIndexOf('/') + 1).contains(":");
        String reference = tagged ? image : image + ":latest";
        events.accept(
                "pulling image " + image + (auth == null ? "" : " from " + auth.registry() + " as " + auth.username()));
        long started = System.nanoTime();
        Progress progress = new Progress(image, events);
        try {
            var pull = streams.pullImageCmd(reference);
            if (auth != null) {
                pull.withAuthConfig(new AuthConfig()
                        .withRegistryAddress(auth.registry())
                        .withUsername(auth.username())
                        .withPassword(auth.password()));
            }
            try (Progress p = pull.exec(progress)) {
                if (!p.awaitCompletion(PULL_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    return Optional.of(
                            "image " + image + " was not pulled within " + PULL_TIMEOUT.toMinutes() + " min");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("image " + image + ": pull interrupted");
        } catch (Exception e) {
            return Optional.of(cannot(image, Engine.oneLine(e)));
        }
        if (progress.error() != null) {
            return Optional.of(cannot(image, progress.error()));
        }
        if (!present(image)) {
            return Optional.of(cannot(image, "the engine ended the pull without the image and without a reason"));
        }
        events.accept("pulled image " + image + " in "
                + String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - started) / 1e9) + " s"
                + (progress.untold() > 0 ? " (" + progress.untold() + " more progress lines not shown)" : ""));
        return Optional.empty();
    }

    private boolean present(String image) {
        try {
            api.inspectImageCmd(image).exec();
            return true;
        } catch (NotFoundException e) {
            return false;
        }
    }

    /** Why {@code image} cannot be had: the end of the engine's {@code reason}, where the registry's words are. */
    static String cannot(String image, String reason) {
        String r = Engine.oneLine(reason);
        if (r.length() > MAX_REASON_CHARS) {
            r = "…" + r.substring(r.length() - (MAX_REASON_CHARS - 1));
        }
        return "image " + image + " cannot be pulled: " + r;
    }

    /** The pull's stream: each layer's new step told (within the budget), the error kept. */
    static final class Progress extends ResultCallback.Adapter<PullResponseItem> {
        private final String image;
        private final Consumer<String> events;
        private final Set<String> seen = new HashSet<>();
        private int told;
        private int untold;
        private volatile String error;

        Progress(String image, Consumer<String> events) {
            this.image = image;
            this.events = events;
        }

        /** Progress lines past the budget, counted. */
        int untold() {
            return untold;
        }

        /** The engine's reason the pull failed; null if it did not. */
        String error() {
            return error;
        }

        @Override
        public void onNext(PullResponseItem item) {
            if (item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null) {
                error = item.getErrorDetail().getMessage();
                return;
            }
            if (item.getError() != null) {
                error = item.getError();
                return;
            }
            String status = item.getStatus();
            // Byte counts ("Downloading", "Extracting") change all the time: a layer's steps are told once each.
            if (status == null || !seen.add(item.getId() + " " + status) || seen.size() > 4 * MAX_EVENTS_PER_PULL) {
                return;
            }
            if (told < MAX_EVENTS_PER_PULL) {
                told++;
                events.accept("image " + image + ": " + (item.getId() == null ? "" : "layer " + item.getId() + " ")
                        + Engine.oneLine(status));
            } else {
                untold++;
            }
        }
    }
}
