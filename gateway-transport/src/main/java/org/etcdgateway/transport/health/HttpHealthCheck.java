package org.etcdgateway.transport.health;

import io.netty.channel.EventLoopGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.etcdgateway.api.Endpoint;
import org.etcdgateway.transport.io.IoRuntime;

/**
 * {@code http}: asks the member's own {@code GET /health}, over HTTPS when the endpoint is
 * {@linkplain Endpoint#secure() secure}, and calls it healthy only when it answers 200 with
 * {@code {"health":"true"}}. etcd answers so only when the member can serve: a member that is
 * hung times out, and one without a leader or with an alarm (such as {@code NOSPACE}) answers
 * {@code {"health":"false"}}, so all of these leave rotation.
 *
 * <p>One check is one {@link OneShotGet}: a connection of its own, closed whatever the outcome,
 * and the whole exchange within the timeout; an answer body larger than 64 KiB fails the check.
 *
 * <p>TLS: by default any server certificate is accepted, and none is checked against the
 * endpoint's name. The check sends nothing secret and only reads whether the member says it is
 * healthy; clients verify the member themselves on their own connections (the {@code tcp}
 * transport forwards TLS untouched). A forged answer can only make a member look healthy or
 * unhealthy, which whoever can forge it can do anyway by passing or dropping its traffic. The
 * server name (SNI) is the endpoint's host when it is a domain name. A member that requires
 * client certificates ({@code --client-cert-auth}) refuses the handshake unless the
 * {@link SslContext} given carries one; without one, use {@code tcp} checks for such members.
 */
public final class HttpHealthCheck implements HealthCheck {

    private final OneShotGet get;

    /**
     * With a TLS client that accepts any server certificate, as the class describes.
     *
     * @param io       the channel types of {@code group}
     * @param group    where the checks run
     * @param resolver resolves host names when dialled, honouring DNS TTLs
     * @param timeout  how long a check may take, connect to answer, more than 0
     */
    public HttpHealthCheck(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout) {
        this.get = new OneShotGet(io, group, resolver, timeout, OneShotGet.trustingAnyCertificate());
    }

    /** With {@code tls} for secure endpoints: a client context, for example one with a client certificate. */
    public HttpHealthCheck(IoRuntime io, EventLoopGroup group, DnsAddressResolverGroup resolver, Duration timeout, SslContext tls) {
        this.get = new OneShotGet(io, group, resolver, timeout, client(tls));
    }

    private static Supplier<SslContext> client(SslContext tls) {
        Objects.requireNonNull(tls, "tls");
        if (!tls.isClient()) {
            throw new IllegalArgumentException("tls: a server context (expected: a client context)");
        }
        return () -> tls;
    }

    @Override
    public CompletionStage<HealthResult> check(Endpoint endpoint) {
        return get.get(endpoint, "/health", HealthAnswer::judge, HealthResult::unhealthy);
    }
}
