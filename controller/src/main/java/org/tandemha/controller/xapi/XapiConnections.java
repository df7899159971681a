package org.tandemha.controller.xapi;

import com.xensource.xenapi.Connection;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetAddress;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.tandemha.actors.port.XapiUnreachable;

/**
 * Opens SDK connections the way Tandem needs them: millisecond connect/reply bounds instead of the SDK's
 * 600 s, the {@link GuardedTransport} underneath, HTTPS trust from Tandem's configuration, and plain HTTP
 * only to loopback addresses unless the operator explicitly allowed it.
 */
public final class XapiConnections {

  /**
   * @param trustStore     PKCS12 file holding the pool hosts' certificates or their CA (empty = not used)
   * @param pinnedSha256   SHA-256 fingerprints of the hosts' certificates, hex with or without colons
   * @param allowPlainHttp http to non-loopback addresses (passwords travel in clear: lab use only)
   * @param source         bind client sockets to this local address (this host's management IP)
   */
  public record Security(Optional<Path> trustStore, String trustStorePassword, List<String> pinnedSha256,
                         boolean allowPlainHttp, Optional<String> source) {
    public Security {
      pinnedSha256 = List.copyOf(pinnedSha256);
    }

    public static Security loopbackOnly() {
      return new Security(Optional.empty(), "", List.of(), false, Optional.empty());
    }

    @Override public String toString() {   // never the trust store password
      return "trust-store=" + trustStore.map(Path::toString).orElse("-") + " pinned=" + pinnedSha256.size()
          + " allow-plain-http=" + allowPlainHttp + " source=" + source.orElse("-");
    }
  }

  /** The TLS or trust configuration cannot be used; the message says which file or value. */
  public static final class Invalid extends RuntimeException {
    public Invalid(String message, Throwable cause) { super(message, cause); }
  }

  private static final int MAX_REPLY_BYTES = 256 * 1024 * 1024;
  private static final Field CLIENT;

  static {
    try {
      CLIENT = Connection.class.getDeclaredField("client");
      CLIENT.setAccessible(true);
    } catch (NoSuchFieldException e) {
      throw new ExceptionInInitializerError("xen-api SDK without Connection.client: " + e);
    }
  }

  private final String scheme;
  private final int port;
  private final Security security;
  private final Optional<SSLSocketFactory> tls;
  private final Optional<InetAddress> source;

  public XapiConnections(String scheme, int port, Security security) {
    this.scheme = scheme;
    this.port = port;
    this.security = security;
    this.tls = scheme.equals("https") ? Optional.of(tlsFactory(security)) : Optional.empty();
    this.source = security.source().flatMap(XapiConnections::localAddress);
  }

  /** A new SDK connection to {@code address}, bounded by {@code reply} and {@code connect}. */
  public Connection open(String address, Duration reply, Duration connect) {
    if (scheme.equals("http") && !security.allowPlainHttp() && !isLoopbackAddress(address)) {
      throw new XapiUnreachable(address, new IOException(
          "plain http to a non-loopback address is refused (set tandem.xapi.allow-plain-http = on to allow)"));
    }
    URL url;
    try {
      url = new URL(scheme, address, port, "/");
    } catch (MalformedURLException e) {
      throw new XapiUnreachable(address, e);
    }
    Connection c = new Connection(url, seconds(reply), seconds(connect));
    c.getConfig().setReplyTimeout((int) reply.toMillis());
    c.getConfig().setConnectionTimeout((int) connect.toMillis());
    c.getConfig().setEnabledForExtensions(false);
    try {
      XmlRpcClient client = (XmlRpcClient) CLIENT.get(c);
      client.setTransportFactory(GuardedTransport.factory(client,
          new GuardedTransport.Settings(tls, source, connect, MAX_REPLY_BYTES)));
    } catch (IllegalAccessException e) {
      throw new IllegalStateException("cannot install Tandem's XML-RPC transport: " + e, e);
    }
    return c;
  }

  private static int seconds(Duration d) { return (int) Math.max(1, (d.toMillis() + 999) / 1000); }

  /** True for 127.0.0.0/8 and ::1 (resolving names), where plain http never leaves the machine. */
  public static boolean isLoopbackAddress(String address) {
    try {
      return InetAddress.getByName(address).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  /** Binding is only possible to an address of this machine; otherwise the OS chooses, as before. */
  private static Optional<InetAddress> localAddress(String address) {
    try {
      InetAddress a = InetAddress.getByName(address);
      if (a.isLoopbackAddress() || java.net.NetworkInterface.getByInetAddress(a) != null) return Optional.of(a);
    } catch (IOException e) {
      // not resolvable or no interface: do not bind
    }
    return Optional.empty();
  }

  private static SSLSocketFactory tlsFactory(Security s) {
    try {
      TrustManager[] trust;
      if (!s.pinnedSha256().isEmpty()) {
        trust = new TrustManager[] {new PinnedTrust(s.pinnedSha256())};
      } else if (s.trustStore().isPresent()) {
        trust = org.tandemha.controller.TrustStores.pkcs12(s.trustStore().get(), s.trustStorePassword());
      } else {
        trust = null;   // the JDK's own CA list: right for a pool with CA-signed certificates
      }
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, trust, null);
      return ctx.getSocketFactory();
    } catch (IOException | GeneralSecurityException e) {
      throw new Invalid("XAPI TLS trust unusable (" + s + "): " + e.getMessage(), e);
    }
  }

  /** Trusts exactly the certificates whose SHA-256 fingerprint was pinned, as `xe host-list` operators see them. */
  static final class PinnedTrust implements X509TrustManager {
    private final Set<String> pins;

    PinnedTrust(List<String> pins) {
      this.pins = pins.stream().map(PinnedTrust::normalize).collect(Collectors.toSet());
      for (String p : this.pins) {
        if (!p.matches("[0-9a-f]{64}")) {
          throw new Invalid("pinned fingerprint is not a SHA-256 hex value: " + p, null);
        }
      }
    }

    static String normalize(String pin) { return pin.replace(":", "").strip().toLowerCase(Locale.ROOT); }

    static String fingerprint(X509Certificate cert) throws CertificateException {
      try {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
      } catch (GeneralSecurityException e) {
        throw new CertificateException(e);
      }
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      if (chain == null || chain.length == 0) throw new CertificateException("no server certificate");
      chain[0].checkValidity();
      String fp = fingerprint(chain[0]);
      if (!pins.contains(fp)) throw new CertificateException("server certificate SHA-256 " + fp + " is not pinned");
    }

    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("not a server");
    }

    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
  }
}
