package org.etcdgateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The JVM flags {@code bin/etcd-gateway} chooses for the java it runs. The launcher runs a stand-in
 * {@code java} that writes down its arguments, in a directory laid out as a JDK with a
 * {@code release} file, so that each version can be tried without installing it. A flag a JVM
 * does not know stops it from starting at all, so the native-heap trim must come only with the
 * versions that have it.
 */
@Timeout(60)
class LauncherJvmFlagsTest {

    private static final String TRIM = "-XX:TrimNativeHeapInterval=1000";
    private static final String UNLOCK = "-XX:+UnlockExperimentalVMOptions";

    @TempDir
    Path jdk;

    @ParameterizedTest(name = "JAVA_VERSION=\"{0}\" trims the native heap: {1}")
    @CsvSource({
            "17.0.8, false",
            "17.0.9, true",
            "17.0.15, true",
            "17, false",
            "21, false",
            "21.0.1, true",
            "22-ea, true",
            "25.0.1, true",
            "11.0.20, false",
    })
    void trimsTheNativeHeapOnlyOnJvmsThatHaveTheFlag(String version, boolean trims) throws Exception {
        Path java = standInJava("JAVA_VERSION=\"" + version + "\"\n");

        List<String> arguments = launch(java.toString());

        if (trims) {
            assertThat(arguments).containsSubsequence(UNLOCK, TRIM);
        } else {
            assertThat(arguments).doesNotContain(TRIM, UNLOCK);
        }
    }

    @Test
    void findsTheReleaseFileOfTheJavaASymlinkOnThePathLeadsTo(@TempDir Path bin) throws Exception {
        Path java = standInJava("IMPLEMENTOR=\"Someone\"\nJAVA_VERSION=\"21.0.4\"\nLIBC=\"gnu\"\n");
        Files.createSymbolicLink(bin.resolve("java"), java);

        List<String> arguments = launchWithPath(bin + ":/usr/bin:/bin");

        assertThat(arguments).containsSubsequence(UNLOCK, TRIM);
    }

    @Test
    void leavesTheTrimOutWithoutAReleaseFile() throws Exception {
        Path java = standInJava(null);

        assertThat(launch(java.toString())).doesNotContain(TRIM);
    }

    @Test
    void compilesStartUpCodeLaterThanTheDataPath() throws Exception {
        Path java = standInJava("JAVA_VERSION=\"17.0.15\"\n");

        List<String> arguments = launch(java.toString());

        assertThat(arguments).contains("-XX:CompileCommand=quiet", "-XX:Tier4InvocationThreshold=20000",
                "-XX:Tier3InvocationThreshold=800", "-XX:Tier3CompileThreshold=8000",
                "-XX:CompileCommand=CompileThresholdScaling,io.netty.*::*,0.25",
                "-XX:CompileCommand=CompileThresholdScaling,org.etcdgateway.transport.*::*,0.25",
                "-XX:CompileCommand=CompileThresholdScaling,org.etcdgateway.policy.*::*,0.25");
        // Commands apply in order: quiet must come before the ones it silences.
        assertThat(arguments.indexOf("-XX:CompileCommand=quiet"))
                .isLessThan(arguments.indexOf("-XX:CompileCommand=CompileThresholdScaling,io.netty.*::*,0.25"));
    }

    /** A {@code bin/java} under the temporary JDK that writes its arguments to {@code args}, one a line. */
    private Path standInJava(String release) throws IOException {
        Path java = jdk.resolve("bin").resolve("java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\" > \"" + jdk.resolve("args") + "\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        if (release != null) {
            Files.writeString(jdk.resolve("release"), release);
        }
        return java;
    }

    private List<String> launch(String java) throws Exception {
        return run(Map.of("JAVA", java));
    }

    private List<String> launchWithPath(String path) throws Exception {
        return run(Map.of("PATH", path));
    }

    private List<String> run(Map<String, String> settings) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(GatewayProcess.launcher().toString(), "--version")
                .redirectErrorStream(true);
        Map<String, String> environment = builder.environment();
        environment.remove("JAVA");
        environment.remove("JAVA_OPTS");
        environment.put("ETCD_GATEWAY_JAR", GatewayProcess.gatewayJar().toString());
        environment.putAll(settings);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("the launcher exited").isTrue();
        assertThat(process.exitValue()).as("launcher exit code; output: %s", output).isZero();
        return Files.readAllLines(jdk.resolve("args"));
    }
}
