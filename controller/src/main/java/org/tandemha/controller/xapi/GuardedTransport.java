package org.tandemha.controller.xapi;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import org.apache.xmlrpc.XmlRpcException;
import org.apache.xmlrpc.client.XmlRpcClient;
import org.apache.xmlrpc.client.XmlRpcLiteHttpTransport;
import org.apache.xmlrpc.client.XmlRpcTransport;
import org.apache.xmlrpc.client.XmlRpcTransportFactory;
import org.apache.xmlrpc.common.XmlRpcStreamRequestConfig;

/**
 * The HTTP transport under the xen-api SDK's XML-RPC client. It replaces Apache XML-RPC 3.1.3's default
 * for three reasons: every connection is bounded (connect timeout here, reply timeout as socket timeout);
 * TLS uses Tandem's own trust (a trust store or pinned certificates, since XAPI certificates are usually
 * self-signed) and may bind the source address to this host's management IP; and a reply is checked before
 * Apache's parser sees it, because that parser deserializes Java objects a server puts in a fault's
 * {@code faultCause} or in {@code ex:serializable} values (CVE-2019-17570). xapi never sends a fault or an
 * extension type (xapi-subset.md §1.1–1.2), so any reply containing one is refused unread.
 */
final class GuardedTransport extends XmlRpcLiteHttpTransport {

  /** How sockets are opened: TLS trust, optional source address, connect bound; reply size cap. */
  record Settings(Optional<SSLSocketFactory> tls, Optional<InetAddress> source, Duration connectTimeout,
                  int maxReplyBytes) {}

  /** Thrown (wrapped in XmlRpcException) for a reply Tandem refuses to parse. */
  static final class RefusedReply extends IOException {
    RefusedReply(String message) { super(message); }
  }

  static XmlRpcTransportFactory factory(XmlRpcClient client, Settings settings) {
    return new XmlRpcTransportFactory() {
      @Override public XmlRpcTransport getTransport() { return new GuardedTransport(client, settings); }
    };
  }

  private final Settings settings;

  private GuardedTransport(XmlRpcClient client, Settings settings) {
    super(client);
    this.settings = settings;
  }

  @Override protected Socket newSocket(boolean ssl, String host, int port) throws IOException {
    Socket socket = new Socket();
    try {
      if (settings.source().isPresent()) socket.bind(new InetSocketAddress(settings.source().get(), 0));
      socket.connect(new InetSocketAddress(host, port), (int) settings.connectTimeout().toMillis());
      if (!ssl) return socket;
      SSLSocketFactory factory = settings.tls().orElseThrow(() ->
          new IOException("https to " + host + " without a TLS configuration"));
      SSLSocket tls = (SSLSocket) factory.createSocket(socket, host, port, true);
      tls.setSoTimeout((int) Math.max(settings.connectTimeout().toMillis(), 1000));
      tls.startHandshake();
      return new WithoutHalfClose(tls);
    } catch (IOException e) {
      socket.close();
      throw e;
    }
  }

  @Override protected Object readResponse(XmlRpcStreamRequestConfig config, InputStream in) throws XmlRpcException {
    byte[] body;
    try {
      body = readCapped(in, settings.maxReplyBytes());
    } catch (IOException e) {
      throw new XmlRpcException("Failed to read server's response: " + e.getMessage(), e);
    }
    String refusal = refusal(body);
    if (refusal != null) throw new XmlRpcException(refusal, new RefusedReply(refusal));
    return super.readResponse(config, new ByteArrayInputStream(body));
  }

  /**
   * Markup a real xapi never sends. In XML text a literal {@code <} is always markup (text escapes it as
   * {@code &lt;}), so finding these sequences means the element is there — no parser has to run first.
   */
  static String refusal(byte[] body) {
    String text = new String(body, StandardCharsets.ISO_8859_1);
    if (text.contains("<fault>") || text.contains("<fault ") || text.contains("<fault/>")) {
      return "refused an XML-RPC <fault> reply: xapi never sends one, and Apache XML-RPC 3.1.3 would "
          + "deserialize a Java object from it (CVE-2019-17570)";
    }
    if (text.contains(":serializable") || text.contains("ws.apache.org/xmlrpc/namespaces/extensions")) {
      return "refused a reply with Apache XML-RPC extension types (serialized Java objects)";
    }
    return null;
  }

  /**
   * The Lite transport ends each request with {@code shutdownOutput()}. Over TLS that sends close_notify,
   * and servers (xapi's stunnel among them) then close the whole connection before answering. The request
   * carries a Content-Length, so the half-close is not needed: here it does nothing.
   */
  private static final class WithoutHalfClose extends Socket {
    private final SSLSocket tls;

    WithoutHalfClose(SSLSocket tls) { this.tls = tls; }

    @Override public InputStream getInputStream() throws IOException { return tls.getInputStream(); }
    @Override public java.io.OutputStream getOutputStream() throws IOException { return tls.getOutputStream(); }
    @Override public void setSoTimeout(int timeout) throws java.net.SocketException { tls.setSoTimeout(timeout); }
    @Override public int getSoTimeout() throws java.net.SocketException { return tls.getSoTimeout(); }
    @Override public void shutdownOutput() { /* see above */ }
    @Override public void shutdownInput() throws IOException { tls.shutdownInput(); }
    @Override public boolean isConnected() { return tls.isConnected(); }
    @Override public boolean isClosed() { return tls.isClosed(); }
    @Override public synchronized void close() throws IOException { tls.close(); }
  }

  private static byte[] readCapped(InputStream in, int max) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
    byte[] buf = new byte[8192];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      if (out.size() > max) throw new IOException("reply larger than " + max + " bytes");
    }
    return out.toByteArray();
  }
}
