package dev.vyoma.console;

import dev.vyoma.client.Keyring;
import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The keyring as the console uses it. Keys of the {@code file} backend are unlocked with their passphrase for this
 * console's session: the decrypted key stays in this process's memory until locked or the console stops, the
 * passphrase is wiped as soon as it has decrypted the key, and neither is ever written into a page. Keys of the
 * {@code test} backend (devnets) need no passphrase.
 */
final class Wallet {
    /** Why a key cannot sign now: unknown, or locked. */
    static final class LockedException extends RuntimeException {
        LockedException(String message) {
            super(message);
        }
    }

    private final Keyring keyring;
    private final Map<String, KeyPair> unlocked = new ConcurrentHashMap<>();

    Wallet(Keyring keyring) {
        this.keyring = keyring;
    }

    /** The keys in the keyring, by name. */
    List<Keyring.Entry> keys() {
        try {
            return keyring.list();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the keyring: " + e.getMessage(), e);
        }
    }

    /** Whether a passphrase is needed to unlock keys. */
    boolean needsPassphrase() {
        return keyring.backend() == Keyring.Backend.FILE;
    }

    /** Whether {@code name} can sign now. */
    boolean isUnlocked(String name) {
        return !needsPassphrase() || unlocked.containsKey(name);
    }

    /** Unlocks {@code name} for the session; the passphrase is wiped whatever happens. */
    void unlock(String name, char[] passphrase) {
        try {
            entry(name);
            unlocked.put(name, keyring.unlock(name, passphrase));
        } catch (NoSuchFileException e) {
            throw new LockedException("no key named " + name);
        } catch (IllegalArgumentException e) {
            throw new LockedException("cannot unlock " + name + ": " + e.getMessage());
        } catch (IOException e) {
            throw new LockedException("cannot read the keyring: " + e.getMessage());
        } finally {
            if (passphrase != null) {
                Arrays.fill(passphrase, '\0');
            }
        }
    }

    /** Forgets the unlocked key {@code name}. */
    void lock(String name) {
        unlocked.remove(name);
    }

    /** The key {@code name}, ready to sign, or a {@link LockedException} that says how to unlock it. */
    KeyPair signer(String name) {
        try {
            entry(name);
            if (!needsPassphrase()) {
                return keyring.unlock(name, null);
            }
        } catch (NoSuchFileException e) {
            throw new LockedException("no key named " + name);
        } catch (IllegalArgumentException e) {
            throw new LockedException(e.getMessage());
        } catch (IOException e) {
            throw new LockedException("cannot read the keyring: " + e.getMessage());
        }
        KeyPair k = unlocked.get(name);
        if (k == null) {
            throw new LockedException("key " + name + " is locked: unlock it on the Accounts page first");
        }
        return k;
    }

    /** The name of the key whose address is {@code owner}, if the keyring has it. */
    Optional<String> nameOf(Address owner) {
        return keys().stream()
                .filter(e -> e.address().equals(owner))
                .map(Keyring.Entry::name)
                .findFirst();
    }

    private Keyring.Entry entry(String name) throws IOException {
        return keyring.show(name);
    }
}
