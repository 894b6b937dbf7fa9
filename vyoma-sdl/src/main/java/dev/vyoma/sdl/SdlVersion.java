package dev.vyoma.sdl;

/** The SDL versions Vyoma reads. They accept the same fields and differ in how groups are built. */
public enum SdlVersion {
    /** One resource unit per service and placement. */
    V2_0("2.0"),
    /** Services of one placement that share a compute profile share one resource unit. */
    V2_1("2.1");

    private final String text;

    SdlVersion(String text) {
        this.text = text;
    }

    /** As written in the file's {@code version} field. */
    public String text() {
        return text;
    }
}
