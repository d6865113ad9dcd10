package org.etcdgateway.discovery.url;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.etcdgateway.discovery.http.BadAnswerException;

/**
 * What a discovery URL holds: the size the cluster is to have and the members registered so far,
 * in the order they registered (etcd sorts them by {@code createdIndex} and takes the first
 * {@code size}; later ones were turned away as "cluster is full").
 *
 * @param size       the expected number of members, at least 1
 * @param registered every registration, oldest first
 */
record Registrations(int size, List<Registration> registered) {

    Registrations {
        registered = registered.stream().sorted(Comparator.comparingLong(Registration::createdIndex)).toList();
    }

    /** True when at least {@code size} members have registered. */
    boolean complete() {
        return registered.size() >= size;
    }

    /** The peer URLs of the first {@code size} members to register: the cluster's members. */
    List<String> peerUrls() throws BadAnswerException {
        List<String> urls = new ArrayList<>();
        for (Registration registration : registered.subList(0, Math.min(size, registered.size()))) {
            urls.addAll(registration.peerUrls());
        }
        return urls;
    }

    /**
     * One member's registration: the key etcd created ({@code <token>/<member ID in hex>}) with
     * the member's {@code --initial-cluster} entry as its value, {@code name=http://10.0.0.1:2380};
     * a member with several peer URLs has one {@code name=url} pair per URL, comma-separated
     * ({@code name=http://a:2380,name=http://b:2380}). A URL without {@code name=} after the
     * first pair is read as another URL of the same member.
     *
     * @param key          the full key, for messages
     * @param createdIndex the v2 store's index at which the key was created
     * @param value        the value as registered
     */
    record Registration(String key, long createdIndex, String value) {

        /** The peer URLs in the value, in order. */
        List<String> peerUrls() throws BadAnswerException {
            List<String> urls = new ArrayList<>();
            for (String item : value.split(",", -1)) {
                String url = item.strip();
                int equals = url.indexOf('=');
                int scheme = url.indexOf("://");
                if (equals >= 0 && (scheme < 0 || equals < scheme)) {
                    url = url.substring(equals + 1).strip();
                }
                if (!isPeerUrl(url)) {
                    throw new BadAnswerException("the member registered at " + key + " has the value \"" + value
                            + "\" (expected: name=http://host:port, with more ,name=http://host:port for more peer URLs)");
                }
                urls.add(url);
            }
            return urls;
        }

        private static boolean isPeerUrl(String text) {
            try {
                URI uri = new URI(text);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null;
            } catch (URISyntaxException e) {
                return false;
            }
        }
    }
}
