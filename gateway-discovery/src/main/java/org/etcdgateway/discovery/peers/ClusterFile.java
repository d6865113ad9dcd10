package org.etcdgateway.discovery.peers;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.etcdgateway.discovery.url.PeerMembersDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster file of etcd's v2 proxy, {@code <data-dir>/proxy/cluster}: the peer URLs of the
 * last good answer, as JSON {@code {"PeerURLs":["http://10.0.1.10:2380",...]}}, so that the next
 * start finds the cluster even when the peers it was first given have gone.
 *
 * <p>Saving never leaves a half-written file, even when the process is killed: the JSON goes to
 * {@code cluster.tmp} in the same directory, is forced to disk, and is then renamed over
 * {@code cluster} in one atomic step; the directory is forced to disk too, where the file system
 * allows it (POSIX), so that the rename survives a power cut. A {@code cluster.tmp} left by a
 * crash is never read and is replaced by the next save.
 */
final class ClusterFile implements PeerMembersDiscovery.PeerUrlsListener {

    private static final Logger log = LoggerFactory.getLogger(ClusterFile.class);
    // Jackson's streaming parser and generator: its data binding took 50 ms to set up on the
    // proxy's start, for one small object.
    private static final JsonFactory JSON = new JsonFactory();
    private static final String FIELD = "PeerURLs";
    private static final String EXPECTED = "JSON {\"" + FIELD + "\":[\"http://host:port\",...]}, as etcd's proxy writes it";

    private final Path file;
    private final Path temporary;
    private final Path directory;
    private final boolean posix;
    // Lookups run one at a time, but not always on the same thread.
    private volatile List<String> saved = List.of();

    /** The cluster file of {@code dataDir}: {@code <dataDir>/proxy/cluster}; nothing is touched yet. */
    ClusterFile(Path dataDir) {
        this.directory = dataDir.toAbsolutePath().resolve("proxy");
        this.file = directory.resolve("cluster");
        this.temporary = directory.resolve("cluster.tmp");
        this.posix = directory.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** {@code <data-dir>/proxy/cluster}. */
    Path path() {
        return file;
    }

    /**
     * True unless the file surely is not there. One that cannot even be looked at counts as there,
     * so that reading it says why instead of the other settings being used silently; but not when
     * {@code <data-dir>/proxy} is no directory (a data-dir that is a file), where saving will fail
     * and say so.
     */
    boolean mayExist() {
        try {
            Files.readAttributes(file, BasicFileAttributes.class);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        } catch (IOException e) {
            return Files.isDirectory(directory);
        }
    }

    /**
     * The peer URLs in the file, in its order.
     *
     * @throws IOException naming the file, when it cannot be read or is not a cluster file
     */
    List<String> read() throws IOException {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IOException("cannot read the cluster file " + file + ": " + describe(e), e);
        }
        List<String> urls = parse(content);
        saved = sorted(urls);
        return urls;
    }

    private List<String> parse(byte[] content) throws IOException {
        List<String> urls = null;
        try (JsonParser parser = JSON.createParser(content)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw invalid("no " + FIELD + " list, or an empty one");
            }
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                boolean ours = FIELD.equals(parser.currentName());
                JsonToken value = parser.nextToken();
                if (ours) {
                    // As with any JSON reader, the last of two counts.
                    urls = value == JsonToken.START_ARRAY ? urls(parser) : null;
                }
                // Past any other field's value, and past a PeerURLs that is an object; urls()
                // leaves the parser at the list's end, which this leaves alone.
                parser.skipChildren();
            }
            // Strict as etcd's reader, which refuses anything after the object.
            JsonToken trailing = parser.nextToken();
            if (trailing != null) {
                throw invalid("not JSON (" + trailing.asString() + " after the object)");
            }
        } catch (JsonProcessingException e) {
            // Jackson names where an unclosed list or object began in a long parenthesis: the
            // file is small, and the message says enough without it.
            String reason = e.getOriginalMessage();
            int startMarker = reason.indexOf(" (start marker");
            throw invalid("not JSON (" + (startMarker < 0 ? reason : reason.substring(0, startMarker)) + ")");
        }
        if (urls == null || urls.isEmpty()) {
            throw invalid("no " + FIELD + " list, or an empty one");
        }
        return urls;
    }

    /** The list the parser is at the start of, every element a peer URL. */
    private List<String> urls(JsonParser parser) throws IOException {
        List<String> urls = new ArrayList<>();
        for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
            String text = element == JsonToken.VALUE_STRING ? parser.getText() : null;
            if (text == null || !EtcdPeersDiscoveryProvider.isPeerUrl(text)) {
                String shown = text != null ? "\"" + text + "\""
                        : element.isStructStart() ? (element == JsonToken.START_ARRAY ? "a list" : "an object") : parser.getText();
                throw invalid(FIELD + " holds " + shown + ", which is not an http:// or https:// URL with a host");
            }
            urls.add(text);
        }
        return List.copyOf(urls);
    }

    private IOException invalid(String what) {
        return new IOException("the cluster file " + file + " is not valid: " + what + " (expected: " + EXPECTED
                + "; remove the file to start from the configured peer URLs)");
    }

    /**
     * Saves {@code peerUrls}, sorted as etcd sorts them, when they differ from what the file
     * holds. A failure is logged, and the next answer tries again: the proxy goes on without.
     */
    @Override
    public void onPeerUrls(List<String> peerUrls) {
        List<String> urls = sorted(peerUrls);
        // An empty file would leave the next start with nobody to ask.
        if (urls.isEmpty() || urls.equals(saved)) {
            return;
        }
        try {
            write(urls);
        } catch (IOException | RuntimeException e) {
            log.warn("discovery {}: cannot save the peer URLs {} in {}: {}; going on without, trying again after the next answer",
                    EtcdPeersDiscoveryProvider.NAME, urls, file, describe(e));
            return;
        }
        if (saved.isEmpty()) {
            log.info("discovery {}: peer URLs saved in {}: {}", EtcdPeersDiscoveryProvider.NAME, file, urls);
        } else {
            log.info("discovery {}: peer URLs in {} updated from {} to {}", EtcdPeersDiscoveryProvider.NAME, file, saved, urls);
        }
        saved = urls;
    }

    /** Replaces the file with one that lists {@code peerUrls}, atomically. */
    void write(List<String> peerUrls) throws IOException {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        try (JsonGenerator generator = JSON.createGenerator(json)) {
            generator.writeStartObject();
            generator.writeArrayFieldStart(FIELD);
            for (String url : peerUrls) {
                generator.writeString(url);
            }
            generator.writeEndArray();
            generator.writeEndObject();
        }
        ByteBuffer content = ByteBuffer.wrap(json.toByteArray());

        createDirectory();
        // Left by a crash, perhaps, and maybe with other permissions: start afresh.
        Files.deleteIfExists(temporary);
        try (FileChannel channel = FileChannel.open(temporary,
                Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), ownerOnly("rw-------"))) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        } catch (IOException e) {
            Files.deleteIfExists(temporary);
            throw e;
        }
        Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE);
        forceDirectory();
    }

    private void createDirectory() throws IOException {
        try {
            Files.createDirectories(directory, ownerOnly("rwx------"));
        } catch (FileAlreadyExistsException e) {
            throw new IOException(e.getFile() + " exists and is not a directory", e);
        }
    }

    private FileAttribute<?>[] ownerOnly(String permissions) {
        return posix ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))}
                : new FileAttribute<?>[0];
    }

    /** Makes the rename durable. Only POSIX systems let a directory be opened for this. */
    private void forceDirectory() throws IOException {
        if (!posix) {
            return;
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static List<String> sorted(List<String> urls) {
        return List.copyOf(new TreeSet<>(urls));
    }

    /** NIO's exceptions often say no more than the path: their class names the trouble. */
    private static String describe(Exception e) {
        String message = e.getMessage();
        if (e.getClass() == IOException.class && message != null) {
            return message;
        }
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
