package org.etcdgateway.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * A one-member etcd cluster serving its clients over TLS with a given certificate, on free
 * loopback ports: what the dns-srv TLS check is tested against. Its client URL advertises
 * {@code localhost}, the name its test certificates carry. Closing it kills it and deletes its data.
 */
final class TlsEtcd implements AutoCloseable {

    /** A single member elects itself at once; the bound covers a cold start on a busy machine. */
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    /** Free ports are only free until someone takes them; a clash is retried with new ones. */
    private static final int START_ATTEMPTS = 3;

    private final String name;
    private final ChildProcess process;
    private final Path directory;
    private final int clientPort;
    private final MemberId memberId;

    private TlsEtcd(String name, ChildProcess process, Path directory, int clientPort, MemberId memberId) {
        this.name = name;
        this.process = process;
        this.directory = directory;
        this.clientPort = clientPort;
        this.memberId = memberId;
    }

    /**
     * Starts a member named {@code name} serving {@code certificate} to its clients, and waits
     * until it answers over TLS.
     *
     * @throws IllegalStateException with etcd's output when it does not come up
     */
    static TlsEtcd start(String name, TestCertificates.ServerCertificate certificate) {
        String executable = Executables.require("etcd", "etcd-server");
        for (int attempt = 1; ; attempt++) {
            Path directory = createDirectory(name);
            List<Integer> ports = FreePorts.allocate(2);
            int clientPort = ports.get(0);
            String peerUrl = "http://127.0.0.1:" + ports.get(1);
            ChildProcess process = ChildProcess.start(List.of(executable,
                    "--name", name,
                    "--data-dir", directory.resolve("data").toString(),
                    "--listen-client-urls", "https://127.0.0.1:" + clientPort,
                    "--advertise-client-urls", "https://localhost:" + clientPort,
                    "--cert-file", certificate.certificate().toString(),
                    "--key-file", certificate.key().toString(),
                    "--listen-peer-urls", peerUrl,
                    "--initial-advertise-peer-urls", peerUrl,
                    "--initial-cluster", name + "=" + peerUrl,
                    "--initial-cluster-token", "it-" + UUID.randomUUID(),
                    "--logger", "zap",
                    "--log-outputs", "stderr"), environment -> { });
            process.closeInput();
            try {
                return new TlsEtcd(name, process, directory, clientPort, awaitMemberId(process, clientPort));
            } catch (AssertionError e) {
                String output = process.stderr();
                process.close();
                deleteRecursively(directory);
                if (attempt < START_ATTEMPTS && output.contains("address already in use")) {
                    continue;
                }
                throw new IllegalStateException("etcd " + name + " with client TLS did not start (attempt " + attempt
                        + "): " + e.getMessage() + "\n" + tail(output), e);
            }
        }
    }

    /** Asks the member over TLS, without checking its certificate (that is the gateway's job here), for its ID. */
    private static MemberId awaitMemberId(ChildProcess process, int clientPort) {
        Etcdctl etcdctl = Etcdctl.at("https://127.0.0.1:" + clientPort);
        return Poll.until("etcd to answer over TLS on port " + clientPort, READY_TIMEOUT, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("etcd exited");
            }
            CommandResult status = etcdctl.run(withoutVerification("endpoint", "status", "-w", "json"));
            return status.succeeded() ? MemberId.findInJson(status.stdout()) : Optional.empty();
        });
    }

    /**
     * {@code arguments} after the flags that make etcdctl speak TLS without checking the server's
     * certificate. etcdctl 3.4 ignores {@code --insecure-skip-tls-verify} unless
     * {@code --insecure-transport=false} is given too.
     */
    static String[] withoutVerification(String... arguments) {
        List<String> command = new ArrayList<>(List.of("--insecure-transport=false", "--insecure-skip-tls-verify"));
        command.addAll(List.of(arguments));
        return command.toArray(String[]::new);
    }

    private static Path createDirectory(String name) {
        try {
            return Files.createTempDirectory("etcd-tls-" + name + "-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int clientPort() {
        return clientPort;
    }

    MemberId memberId() {
        return memberId;
    }

    /** The last lines etcd logged, for failure messages. */
    String logTail() {
        return tail(process.stderr());
    }

    private static String tail(String output) {
        List<String> lines = output.lines().toList();
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    @Override
    public void close() {
        process.close();
        deleteRecursively(directory);
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + directory, e);
        }
    }

    @Override
    public String toString() {
        return name + " (https://localhost:" + clientPort + ", member " + memberId + ")";
    }
}
