package dev.vyoma.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vyoma.ledger.crypto.KeyPair;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyringTest {
    @TempDir
    Path home;

    private static final char[] PASS = "correct horse battery".toCharArray();

    @Test
    void anEncryptedKeyOpensOnlyWithItsPassphraseAndNeverLeavesItsSeedInTheFile() throws Exception {
        Keyring ring = Keyring.open(home, Keyring.Backend.FILE);
        Keyring.Entry alice = ring.add("alice", PASS);
        KeyPair key = ring.unlock("alice", PASS);
        assertThat(key.address()).isEqualTo(alice.address());

        Path file = home.resolve("keyring-file/alice.key.json");
        String text = Files.readString(file);
        assertThat(text).contains("argon2id", "aes-256-gcm", alice.address().toString());
        assertThat(text)
                .doesNotContain(
                        java.util.HexFormat.of().formatHex(key.privateKey().seed()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");

        assertThatThrownBy(() -> ring.unlock("alice", "wrong passphrase".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("wrong passphrase for key alice");
        // A file renamed under another name does not decrypt: the name is bound to the ciphertext.
        Files.copy(file, home.resolve("keyring-file/mallory.key.json"));
        assertThatThrownBy(() -> ring.unlock("mallory", PASS)).hasMessageContaining("wrong passphrase");
        assertThatThrownBy(() -> ring.add("short", "1234".toCharArray())).hasMessageContaining("at least 8");
    }

    @Test
    void listShowExportImportDelete() throws Exception {
        Keyring ring = Keyring.open(home, Keyring.Backend.FILE);
        Keyring.Entry bob = ring.add("bob", PASS);
        ring.add("alice", PASS);
        assertThat(ring.list()).extracting(Keyring.Entry::name).containsExactly("alice", "bob");
        assertThat(ring.show("bob").address()).isEqualTo(bob.address());
        assertThatThrownBy(() -> ring.add("bob", PASS)).isInstanceOf(FileAlreadyExistsException.class);
        assertThatThrownBy(() -> ring.show("carol")).isInstanceOf(NoSuchFileException.class);
        assertThatThrownBy(() -> ring.add("../escape", PASS)).hasMessageContaining("a key name is");

        String exported = ring.export("bob", PASS, "export passphrase".toCharArray());
        Keyring other = Keyring.open(home.resolve("elsewhere"), Keyring.Backend.TEST);
        assertThatThrownBy(() -> other.importArmored("bob", exported, "not it at all".toCharArray(), null))
                .hasMessageContaining("wrong passphrase");
        Keyring.Entry imported = other.importArmored("bob2", exported, "export passphrase".toCharArray(), null);
        assertThat(imported.address()).isEqualTo(bob.address());
        assertThat(other.unlock("bob2", null).address()).isEqualTo(bob.address());

        assertThat(ring.delete("bob")).isTrue();
        assertThat(ring.delete("bob")).isFalse();
        assertThat(ring.list()).extracting(Keyring.Entry::name).containsExactly("alice");
    }

    @Test
    void theTestBackendKeepsSeedsInTheClear() throws Exception {
        Keyring ring = Keyring.open(home, Keyring.Backend.TEST);
        Keyring.Entry dev = ring.add("dev", null);
        assertThat(ring.unlock("dev", null).address()).isEqualTo(dev.address());
        assertThat(Files.readString(home.resolve("keyring-test/dev.key.json"))).contains("\"seed\"");
    }
}
