package org.etcdgateway.discovery.peers;

import java.util.List;
import org.etcdgateway.api.discovery.DiscoveryContext;
import org.etcdgateway.discovery.http.JsonHttpClient;
import org.etcdgateway.discovery.srv.SrvEndpointLookup;
import org.etcdgateway.discovery.url.PeerMembersDiscovery;

/** The members' client URLs from peer URLs that are listed (initial cluster, defaults) or in SRV records. */
final class PeerListDiscovery extends PeerMembersDiscovery {

    private final EtcdPeersDiscoveryProvider.PeerSource source;
    private final SrvEndpointLookup serverRecords;

    PeerListDiscovery(EtcdPeersDiscoveryProvider.Settings settings, JsonHttpClient http, DiscoveryContext context) {
        super(EtcdPeersDiscoveryProvider.NAME, http, settings.refreshInterval(), context);
        this.source = settings.source();
        this.serverRecords = source instanceof EtcdPeersDiscoveryProvider.ServerRecords records
                ? new SrvEndpointLookup(records.settings()) : null;
    }

    @Override
    protected List<String> sourcePeerUrls() throws Exception {
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
        if (serverRecords != null) {
            return "the cluster whose peers are in " + serverRecords.describeSource();
        }
        EtcdPeersDiscoveryProvider.PeerUrls urls = (EtcdPeersDiscoveryProvider.PeerUrls) source;
        return "the cluster of peer URLs " + urls.urls() + " (" + urls.origin() + ")";
    }
}
