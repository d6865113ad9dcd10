package org.etcdgateway.discovery.peers;

import java.util.List;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.srv.SrvEndpointLookup;
import org.etcdgateway.discovery.url.PeerMembers;
import org.etcdgateway.discovery.url.PeerMembersDiscovery;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The members' client URLs from peer URLs that are listed (initial cluster, defaults), in SRV
 * records, or saved in the cluster file by an earlier run.
 */
final class PeerListDiscovery extends PeerMembersDiscovery {

    private static final Logger log = LoggerFactory.getLogger(PeerListDiscovery.class);

    private final EtcdPeersDiscoveryProvider.PeerSource source;
    private final SrvEndpointLookup serverRecords;
    private final ClusterFile clusterFile;
    // Read at start; lookups run one at a time, but not always on the same thread.
    private volatile List<String> savedPeerUrls = List.of();

    private PeerListDiscovery(EtcdPeersDiscoveryProvider.Settings settings, ClusterFile clusterFile, JsonHttpClient http,
                              DiscoveryContext context) {
        super(EtcdPeersDiscoveryProvider.NAME, http, settings.refreshInterval(), context);
        this.source = settings.source();
        this.clusterFile = clusterFile;
        this.serverRecords = clusterFile == null && source instanceof EtcdPeersDiscoveryProvider.ServerRecords records
                ? new SrvEndpointLookup(records.settings()) : null;
    }

    /** Starts from the peer URLs of the settings' source, which is not a discovery URL. */
    static PeerListDiscovery fromSource(EtcdPeersDiscoveryProvider.Settings settings, JsonHttpClient http, DiscoveryContext context) {
        return new PeerListDiscovery(settings, null, http, context);
    }

    /**
     * Starts from the peer URLs in {@code clusterFile}, read at start, as etcd's proxy does once it
     * has saved them: the settings' source is then ignored.
     */
    static PeerListDiscovery fromClusterFile(EtcdPeersDiscoveryProvider.Settings settings, ClusterFile clusterFile,
                                             JsonHttpClient http, DiscoveryContext context) {
        return new PeerListDiscovery(settings, clusterFile, http, context);
    }

    @Override
    protected PeerMembers firstMembers() throws Exception {
        if (clusterFile != null) {
            savedPeerUrls = clusterFile.read();
            log.info("discovery {}: peer URLs from the cluster file {}: {}", EtcdPeersDiscoveryProvider.NAME, clusterFile.path(),
                    savedPeerUrls);
            if (!(source instanceof EtcdPeersDiscoveryProvider.PeerUrls urls && urls.origin().equals("default-peer-urls"))) {
                log.warn("discovery {}: {} ignored, because the cluster file {} exists (this proxy was started before); "
                                + "remove the file to use it", EtcdPeersDiscoveryProvider.NAME, describe(source), clusterFile.path());
            }
        }
        return super.firstMembers();
    }

    @Override
    protected List<String> sourcePeerUrls() throws Exception {
        if (clusterFile != null) {
            return savedPeerUrls;
        }
        if (serverRecords != null) {
            // An _etcd-server-ssl target serves its peers over TLS.
            return serverRecords.lookup().endpoints().stream()
                    .map(endpoint -> (endpoint.secure() ? "https://" : "http://") + endpoint.authority())
                    .toList();
        }
        return ((EtcdPeersDiscoveryProvider.PeerUrls) source).urls();
    }

    @Override
    protected String describeSource() {
        if (clusterFile != null) {
            return "the cluster whose peer URLs are saved in " + clusterFile.path();
        }
        if (serverRecords != null) {
            return "the cluster whose peers are in " + serverRecords.describeSource();
        }
        EtcdPeersDiscoveryProvider.PeerUrls urls = (EtcdPeersDiscoveryProvider.PeerUrls) source;
        return "the cluster of peer URLs " + urls.urls() + " (" + urls.origin() + ")";
    }

    /** A configured source, as the operator set it. */
    private static String describe(EtcdPeersDiscoveryProvider.PeerSource source) {
        if (source instanceof EtcdPeersDiscoveryProvider.DiscoveryUrl discoveryUrl) {
            return "the discovery URL " + discoveryUrl.settings().url();
        }
        if (source instanceof EtcdPeersDiscoveryProvider.ServerRecords records) {
            return "the SRV records " + records.settings().secureRecordName() + " and " + records.settings().plainRecordName();
        }
        EtcdPeersDiscoveryProvider.PeerUrls urls = (EtcdPeersDiscoveryProvider.PeerUrls) source;
        return urls.origin() + " " + urls.urls();
    }
}
