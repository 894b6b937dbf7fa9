package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFilesTest {
    @TempDir
    Path dir;

    private List<Path> listing() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.toList();
        }
    }

    @Test
    void aFileIsCreatedThenReplacedWholeAndNothingElseIsLeft() throws Exception {
        Path f = dir.resolve("state.json");
        AtomicFiles.replace(f, "{\"a\":1}");
        assertThat(Files.readString(f)).isEqualTo("{\"a\":1}");
        AtomicFiles.replace(f, "é".getBytes(StandardCharsets.UTF_8));
        assertThat(Files.readString(f)).isEqualTo("é");
        assertThat(listing()).containsExactly(f);
    }

    @Test
    void aMissingDirectoryFailsWithoutWritingAnything() {
        Path f = dir.resolve("no-such-dir").resolve("x");
        assertThatThrownBy(() -> AtomicFiles.replace(f, "x")).isInstanceOf(NoSuchFileException.class);
        assertThat(Files.exists(f.getParent())).isFalse();
    }

    @Test
    void concurrentWritersEachLeaveOneWholeVersion() throws Exception {
        Path f = dir.resolve("cursor");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String text = ("writer " + i + "\n").repeat(1_000);
                writes.add(pool.submit(() -> {
                    AtomicFiles.replace(f, text);
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        String last = Files.readString(f);
        assertThat(last).isEqualTo(last.substring(0, last.indexOf('\n') + 1).repeat(1_000));
        assertThat(listing()).containsExactly(f);
    }
}
