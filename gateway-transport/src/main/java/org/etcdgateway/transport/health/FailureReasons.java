package org.etcdgateway.transport.health;

import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.NotSslRecordException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.util.Locale;
import javax.net.ssl.SSLException;

/** Why a check's connection failed, in one line of plain words rather than an exception's name. */
final class FailureReasons {

    private FailureReasons() {
    }

    /** {@code connection refused}, {@code TLS handshake failed: ...}, {@code cannot resolve ...}, and so on. */
    static String describe(Throwable cause) {
        // SslHandler wraps a failed handshake in a DecoderException.
        Throwable failure = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        String message = oneLine(failure);
        if (failure instanceof NotSslRecordException) {
            return "TLS handshake failed: the endpoint does not speak TLS";
        }
        if (failure instanceof SSLException) {
            return "TLS handshake failed: " + message;
        }
        if (failure instanceof ConnectException) {
            return message.toLowerCase(Locale.ROOT).contains("refused") ? "connection refused" : "cannot connect: " + message;
        }
        if (failure instanceof UnknownHostException) {
            return "cannot resolve the host name: " + message;
        }
        if (failure instanceof ClosedChannelException) {
            return "connection closed";
        }
        return message;
    }

    /** The exception's message on one line, or its class's name when it has none. */
    private static String oneLine(Throwable failure) {
        String message = failure.getMessage();
        if (message == null || message.isBlank()) {
            return failure.getClass().getSimpleName();
        }
        return message.replaceAll("\\s+", " ").trim();
    }
}
