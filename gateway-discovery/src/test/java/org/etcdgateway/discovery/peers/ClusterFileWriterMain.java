package org.etcdgateway.discovery.peers;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The child process of {@link ClusterFileCrashTest}: writes the cluster file of the data
 * directory given as its argument again and again, a short list and a long one in turn, until it
 * is killed (or 30 s have passed, so that it never outlives a test run that died). It prints
 * {@value #WRITING} once the first write is done.
 */
public final class ClusterFileWriterMain {

    static final String WRITING = "writing";
    static final List<String> SHORT = List.of("http://10.0.0.1:2380");
    static final List<String> LONG = IntStream.range(0, 300).mapToObj(index -> "http://10.0.%d.%d:2380".formatted(index / 250, index % 250))
            .toList();

    private ClusterFileWriterMain() {
    }

    public static void main(String[] arguments) throws Exception {
        ClusterFile file = new ClusterFile(Path.of(arguments[0]));
        long deadline = System.nanoTime() + 30_000_000_000L;
        file.write(LONG);
        System.out.println(WRITING);
        System.out.flush();
        for (long round = 0; System.nanoTime() < deadline; round++) {
            file.write(round % 2 == 0 ? SHORT : LONG);
        }
    }
}
