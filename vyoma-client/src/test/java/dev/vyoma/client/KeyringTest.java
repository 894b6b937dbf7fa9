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
        // A file renamed under another name is refused: the name is in the file and bound to the ciphertext.
        Files.copy(file, home.resolve("keyring-file/mallory.key.json"));
        assertThatThrownBy(() -> ring.unlock("mallory", PASS)).hasMessageContaining("names the key alice");
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

    /**
     * An unencrypted key file copied into the encrypted keyring was listed as an encrypted key and unlocked
     * with any passphrase. Now a file of another backend is refused, by name, wherever it is read.
     */
    @Test
    void aKeyFileOfAnotherBackendIsRefused() throws Exception {
        Keyring test = Keyring.open(home, Keyring.Backend.TEST);
        test.add("plain", null);
        Keyring encrypted = Keyring.open(home, Keyring.Backend.FILE);
        encrypted.add("alice", PASS);
        Files.copy(home.resolve("keyring-test/plain.key.json"), home.resolve("keyring-file/plain.key.json"));
        assertThatThrownBy(() -> encrypted.unlock("plain", "any passphrase at all".toCharArray()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("plain.key.json is a key file of the test backend in the file keyring");
        assertThatThrownBy(encrypted::list).hasMessageContaining("test backend in the file keyring");
        assertThatThrownBy(() -> encrypted.show("plain")).hasMessageContaining("test backend");

        Files.delete(home.resolve("keyring-file/plain.key.json"));
        assertThat(encrypted.list()).extracting(Keyring.Entry::name).containsExactly("alice");
        Files.copy(home.resolve("keyring-file/alice.key.json"), home.resolve("keyring-test/alice.key.json"));
        assertThatThrownBy(() -> test.unlock("alice", PASS)).hasMessageContaining("file backend in the test keyring");
    }

    @Test
    void secretFilesAreNeverReadableByOthers() throws Exception {
        Path file = home.resolve("fresh/dir/api-key");
        SecretFiles.write(file, "secret\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())))
                .isEqualTo("rwx------");
        SecretFiles.write(file, "replaced\n");
        assertThat(Files.readString(file)).isEqualTo("replaced\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        try (var left = Files.list(file.getParent())) {
            assertThat(left).containsExactly(file);
        }
    }
}
