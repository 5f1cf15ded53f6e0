package app.mealplanner.api.auth;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address a request counts against in the abuse limits (login failures, registrations). Quarkus gives
 * the connection's peer, or the {@code X-Forwarded-For} client when the peer is one of the configured
 * trusted proxies ({@code TRUSTED_PROXIES}). An IPv6 client counts as its /64 network, since one host
 * usually has a whole /64 to pick addresses from.
 */
public final class ClientAddress {

    private ClientAddress() {
    }

    public static String of(HttpServerRequest request) {
        SocketAddress remote = request.remoteAddress();
        String host = remote == null ? null : remote.hostAddress();
        if (host == null || host.isEmpty()) {
            return "unknown";
        }
        byte[] ip = NetUtil.createByteArrayFromIpAddressString(host);
        if (ip == null) {
            return host.length() > 64 ? host.substring(0, 64) : host; // not an IP literal (never a DNS lookup)
        }
        if (ip.length == 4) {
            return NetUtil.bytesToIpAddress(ip);
        }
        if (isIpv4Mapped(ip)) {
            return NetUtil.bytesToIpAddress(java.util.Arrays.copyOfRange(ip, 12, 16));
        }
        byte[] network = java.util.Arrays.copyOf(ip, 16);
        java.util.Arrays.fill(network, 8, 16, (byte) 0);
        return NetUtil.bytesToIpAddress(network) + "/64";
    }

    private static boolean isIpv4Mapped(byte[] ip) {
        for (int i = 0; i < 10; i++) {
            if (ip[i] != 0) {
                return false;
            }
        }
        return ip[10] == (byte) 0xff && ip[11] == (byte) 0xff;
    }
}
