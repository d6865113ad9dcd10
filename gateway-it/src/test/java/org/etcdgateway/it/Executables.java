package org.etcdgateway.it;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Finds the real programs the tests drive. A missing one fails the test with what to install:
 * these tests exist to run against real etcd, so skipping would hide that they did not.
 */
public final class Executables {

    private Executables() {
    }

    /**
     * The absolute path of {@code name}: itself when it contains a '/', else the first match on
     * {@code PATH}.
     *
     * @param debianPackage the package that installs it, for the message
     * @throws IllegalStateException when there is no such executable
     */
    public static String require(String name, String debianPackage) {
        return find(name).orElseThrow(() -> new IllegalStateException("this needs the `" + name
                + "` executable, and there is none " + (name.contains("/") ? "at " + name : "on PATH ("
                + System.getenv("PATH") + ")") + "; install the Debian package " + debianPackage
                + " (apt-get install " + debianPackage + ")"));
    }

    private static Optional<String> find(String name) {
        if (name.contains("/")) {
            Path path = Path.of(name);
            return Files.isRegularFile(path) && Files.isExecutable(path)
                    ? Optional.of(path.toAbsolutePath().toString())
                    : Optional.empty();
        }
        String searchPath = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        return Arrays.stream(searchPath.split(File.pathSeparator))
                .filter(directory -> !directory.isEmpty())
                .map(directory -> Path.of(directory, name))
                .filter(path -> Files.isRegularFile(path) && Files.isExecutable(path))
                .map(path -> path.toAbsolutePath().toString())
                .findFirst();
    }
}
