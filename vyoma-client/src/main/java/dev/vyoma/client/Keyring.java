package dev.vyoma.client;

import dev.vyoma.ledger.crypto.Address;
import dev.vyoma.ledger.crypto.KeyPair;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.bouncycastle.crypto.InvalidCipherTextException;
import org.bouncycastle.crypto.engines.AESEngine;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.modes.GCMBlockCipher;
import org.bouncycastle.crypto.modes.GCMModeCipher;
import org.bouncycastle.crypto.params.AEADParameters;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.crypto.params.KeyParameter;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Named account keys in a directory, one JSON file per key. With the {@code file} backend a key's seed is
 * encrypted with AES-256-GCM under a key derived from the passphrase with Argon2id (64 MiB, 3 passes), both
 * from BouncyCastle; the name and address are bound to the ciphertext as associated data, so a file renamed
 * or edited does not decrypt. The {@code test} backend stores seeds in the clear, for devnets only, as the
 * Cosmos tools do. Files are readable by their owner only.
 */
public final class Keyring {
    /** Where and how keys are kept. */
    public enum Backend {
        /** Encrypted with a passphrase. */
        FILE,
        /** Unencrypted: for devnets and tests. */
        TEST
    }

    /** A key as listed: its name, address and backend. */
    public record Entry(String name, Address address, Backend backend) {}

    /** Memory cost of the KDF in KiB (64 MiB). */
    static final int ARGON2_MEMORY_KIB = 64 * 1024;

    static final int ARGON2_ITERATIONS = 3;

    /** Largest key file read: a key file is a few hundred bytes. */
    static final int MAX_KEY_FILE_BYTES = 64 * 1024;

    static final int ARGON2_PARALLELISM = 1;
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path dir;
    private final Backend backend;

    private Keyring(Path dir, Backend backend) {
        this.dir = dir;
        this.backend = backend;
    }

    /** The keyring of {@code backend} under {@code home} ({@code keyring-file/} or {@code keyring-test/}). */
    public static Keyring open(Path home, Backend backend) {
        return new Keyring(home.resolve("keyring-" + backend.name().toLowerCase(java.util.Locale.ROOT)), backend);
    }

    public Backend backend() {
        return backend;
    }

    /** Creates a new random key named {@code name}; the passphrase is ignored by the test backend. */
    public Entry add(String name, char[] passphrase) throws IOException {
        byte[] seed = new byte[32];
        RANDOM.nextBytes(seed);
        return importSeed(name, seed, passphrase);
    }

    /** Stores the key with this 32-byte seed under {@code name}. */
    public Entry importSeed(String name, byte[] seed, char[] passphrase) throws IOException {
        checkName(name);
        KeyPair key = KeyPair.fromSeed(seed);
        Path file = file(name);
        if (Files.exists(file)) {
            throw new FileAlreadyExistsException(
                    "a key named " + name + " exists; delete it first or pick another name");
        }
        write(file, encode(name, key, seed, passphrase));
        return new Entry(name, key.address(), backend);
    }

    /** The keys, by name. */
    public List<Entry> list() throws IOException {
        List<Entry> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.key.json")) {
            for (Path f : files) {
                JsonNode n = read(f);
                out.add(new Entry(
                        n.path("name").asString(),
                        Address.parse(n.path("address").asString()),
                        backend));
            }
        }
        out.sort(java.util.Comparator.comparing(Entry::name));
        return out;
    }

    /** The key's name and address, without decrypting it. */
    public Entry show(String name) throws IOException {
        JsonNode n = read(existing(name));
        return new Entry(name, Address.parse(n.path("address").asString()), backend);
    }

    /** The key itself, decrypted with {@code passphrase} (ignored by the test backend). */
    public KeyPair unlock(String name, char[] passphrase) throws IOException {
        JsonNode n = read(existing(name));
        byte[] seed = decode(name, n, passphrase);
        KeyPair key = KeyPair.fromSeed(seed);
        Arrays.fill(seed, (byte) 0);
        if (!key.address().toString().equals(n.path("address").asString())) {
            throw new IllegalArgumentException(
                    "key file of " + name + " is damaged: its address does not match its key");
        }
        return key;
    }

    /**
     * The key as a JSON document that {@link #importArmored} reads: encrypted with {@code exportPassphrase}
     * whatever this keyring's backend.
     */
    public String export(String name, char[] passphrase, char[] exportPassphrase) throws IOException {
        KeyPair key = unlock(name, passphrase);
        return JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(encrypted(name, key, key.privateKey().seed(), exportPassphrase));
    }

    /** Stores under {@code name} a key exported by {@link #export}. */
    public Entry importArmored(String name, String armored, char[] exportPassphrase, char[] passphrase)
            throws IOException {
        JsonNode n;
        try {
            n = JSON.readTree(armored);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("not an exported key: " + e.getOriginalMessage());
        }
        String exportedName = n.path("name").asString();
        byte[] seed = decrypt(exportedName, n, exportPassphrase);
        try {
            return importSeed(name, seed, passphrase);
        } finally {
            Arrays.fill(seed, (byte) 0);
        }
    }

    /** Removes a key; false if there was none. */
    public boolean delete(String name) throws IOException {
        checkName(name);
        return Files.deleteIfExists(file(name));
    }

    private Map<String, Object> encode(String name, KeyPair key, byte[] seed, char[] passphrase) {
        if (backend == Backend.TEST) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", name);
            m.put("address", key.address().toString());
            m.put("backend", "test");
            m.put("seed", HexFormat.of().formatHex(seed));
            return m;
        }
        return encrypted(name, key, seed, passphrase);
    }

    private static Map<String, Object> encrypted(String name, KeyPair key, byte[] seed, char[] passphrase) {
        if (passphrase == null || passphrase.length < 8) {
            throw new IllegalArgumentException("the passphrase must have at least 8 characters");
        }
        byte[] salt = new byte[16];
        byte[] nonce = new byte[12];
        RANDOM.nextBytes(salt);
        RANDOM.nextBytes(nonce);
        String address = key.address().toString();
        byte[] k = derive(passphrase, salt, ARGON2_MEMORY_KIB, ARGON2_ITERATIONS, ARGON2_PARALLELISM);
        byte[] ciphertext = gcm(true, k, nonce, associated(name, address), seed);
        Arrays.fill(k, (byte) 0);
        Map<String, Object> kdf = new LinkedHashMap<>();
        kdf.put("function", "argon2id");
        kdf.put("memoryKiB", ARGON2_MEMORY_KIB);
        kdf.put("iterations", ARGON2_ITERATIONS);
        kdf.put("parallelism", ARGON2_PARALLELISM);
        kdf.put("salt", HexFormat.of().formatHex(salt));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("address", address);
        m.put("backend", "file");
        m.put("kdf", kdf);
        m.put("cipher", "aes-256-gcm");
        m.put("nonce", HexFormat.of().formatHex(nonce));
        m.put("ciphertext", HexFormat.of().formatHex(ciphertext));
        return m;
    }

    private byte[] decode(String name, JsonNode n, char[] passphrase) {
        if (backend == Backend.TEST) {
            return HexFormat.of().parseHex(n.path("seed").asString());
        }
        return decrypt(name, n, passphrase);
    }

    private static byte[] decrypt(String name, JsonNode n, char[] passphrase) {
        if (!n.path("cipher").asString().equals("aes-256-gcm")
                || !n.path("kdf").path("function").asString().equals("argon2id")) {
            throw new IllegalArgumentException("key " + name + " uses a format this version does not read");
        }
        if (passphrase == null) {
            throw new IllegalArgumentException("key " + name + " is encrypted: give its passphrase");
        }
        JsonNode kdf = n.path("kdf");
        int memory = kdf.path("memoryKiB").asInt();
        int iterations = kdf.path("iterations").asInt();
        int parallelism = kdf.path("parallelism").asInt();
        if (memory < 8
                || memory > 4 * 1024 * 1024
                || iterations < 1
                || iterations > 100
                || parallelism < 1
                || parallelism > 16) {
            throw new IllegalArgumentException("key " + name + " has KDF settings out of range");
        }
        byte[] k = derive(
                passphrase, HexFormat.of().parseHex(kdf.path("salt").asString()), memory, iterations, parallelism);
        try {
            return gcm(
                    false,
                    k,
                    HexFormat.of().parseHex(n.path("nonce").asString()),
                    associated(name, n.path("address").asString()),
                    HexFormat.of().parseHex(n.path("ciphertext").asString()));
        } catch (IllegalStateException e) {
            throw new IllegalArgumentException("wrong passphrase for key " + name + " (or the key file was altered)");
        } finally {
            Arrays.fill(k, (byte) 0);
        }
    }

    private static byte[] associated(String name, String address) {
        return ("vyoma-key/v1\n" + name + "\n" + address).getBytes(StandardCharsets.UTF_8);
    }

    static byte[] derive(char[] passphrase, byte[] salt, int memoryKiB, int iterations, int parallelism) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withSalt(salt)
                .withMemoryAsKB(memoryKiB)
                .withIterations(iterations)
                .withParallelism(parallelism)
                .build();
        Argon2BytesGenerator gen = new Argon2BytesGenerator();
        gen.init(params);
        byte[] out = new byte[32];
        gen.generateBytes(passphrase, out);
        return out;
    }

    private static byte[] gcm(boolean encrypt, byte[] key, byte[] nonce, byte[] associated, byte[] input) {
        GCMModeCipher cipher = GCMBlockCipher.newInstance(AESEngine.newInstance());
        cipher.init(encrypt, new AEADParameters(new KeyParameter(key), 128, nonce, associated));
        byte[] out = new byte[cipher.getOutputSize(input.length)];
        int n = cipher.processBytes(input, 0, input.length, out, 0);
        try {
            n += cipher.doFinal(out, n);
        } catch (InvalidCipherTextException e) {
            throw new IllegalStateException("authentication failed", e);
        }
        return n == out.length ? out : Arrays.copyOf(out, n);
    }

    private Path file(String name) {
        return dir.resolve(name + ".key.json");
    }

    private Path existing(String name) throws IOException {
        checkName(name);
        Path f = file(name);
        if (!Files.exists(f)) {
            throw new NoSuchFileException(
                    f.toString(), null, "no key named " + name + " in " + dir + " (vyoma keys list)");
        }
        return f;
    }

    private static void checkName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException(
                    "a key name is 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit; got "
                            + name);
        }
    }

    /**
     * A key file of this keyring, checked before anything in it is used: a file is only what its backend
     * says, and only the backend of the keyring it sits in. An unencrypted key copied into an encrypted keyring
     * would otherwise be listed and unlocked with any passphrase.
     */
    private JsonNode read(Path f) throws IOException {
        if (Files.size(f) > MAX_KEY_FILE_BYTES) {
            throw new IllegalArgumentException(f + " is not a key file: larger than " + MAX_KEY_FILE_BYTES + " bytes");
        }
        JsonNode n;
        try {
            n = JSON.readTree(Files.readString(f));
        } catch (JacksonException e) {
            throw new IllegalArgumentException(f + " is not a key file: " + e.getOriginalMessage());
        }
        String expected = backend.name().toLowerCase(java.util.Locale.ROOT);
        String found = n.path("backend").asString("");
        if (!expected.equals(found)) {
            throw new IllegalArgumentException(f + " is a key file of the " + (found.isEmpty() ? "unknown" : found)
                    + " backend in the " + expected + " keyring; move it out of " + dir
                    + (backend == Backend.FILE ? " and add the key with vyoma keys import, which encrypts it" : ""));
        }
        String fileName = f.getFileName().toString();
        String name = fileName.substring(0, fileName.length() - ".key.json".length());
        if (!name.equals(n.path("name").asString())) {
            throw new IllegalArgumentException(
                    f + " names the key " + n.path("name").asString() + "; a key file carries the name of its file");
        }
        try {
            Address.parse(n.path("address").asString());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(f + " is not a key file: its address is not valid");
        }
        return n;
    }

    private void write(Path file, Map<String, Object> content) throws IOException {
        Files.createDirectories(dir);
        try {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } catch (UnsupportedOperationException e) {
            // not POSIX
        }
        SecretFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsString(content) + "\n");
    }
}
