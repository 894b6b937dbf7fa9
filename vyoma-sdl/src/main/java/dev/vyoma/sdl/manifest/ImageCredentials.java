package dev.vyoma.sdl.manifest;

/** Private registry credentials for a service's image. */
public record ImageCredentials(String host, String email, String username, String password) {
    @Override
    public String toString() {
        return "ImageCredentials[host=" + host + ", username=" + username + ", password=***]";
    }
}
