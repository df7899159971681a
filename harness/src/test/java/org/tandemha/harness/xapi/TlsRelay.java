package org.tandemha.harness.xapi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Terminates TLS in front of a plain-HTTP simulator endpoint, with a self-signed certificate like the one
 * xapi generates on each host (/etc/xensource/xapi-ssl.pem), so the adapter's HTTPS trust can be tested.
 */
final class TlsRelay implements AutoCloseable {
  static final String PASSWORD = "relay-pass";
  private final ServerSocket server;
  private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "tls-relay");
    t.setDaemon(true);
    return t;
  });

  /** Makes a self-signed RSA certificate in {@code dir}/host.p12 with keytool, as an operator would. */
  static Path selfSignedKeystore(Path dir, String address) throws IOException, InterruptedException {
    Path store = dir.resolve("host.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "xapi", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "30", "-dname", "CN=" + address, "-ext", "san=ip:" + address, "-keystore", store.toString(),
        "-storetype", "PKCS12", "-storepass", PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IOException("keytool failed: " + out);
    return store;
  }

  TlsRelay(Path keystore, String address, int targetPort) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    server = ctx.getServerSocketFactory().createServerSocket();
    server.bind(new InetSocketAddress(InetAddress.getByName(address), 0));
    pool.submit(() -> {
      while (!server.isClosed()) {
        try {
          Socket client = server.accept();
          pool.submit(() -> relay(client, address, targetPort));
        } catch (IOException e) {
          return;
        }
      }
    });
  }

  int port() { return server.getLocalPort(); }

  private void relay(Socket client, String address, int targetPort) {
    try (client; Socket target = new Socket(address, targetPort)) {
      pool.submit(() -> copy(target, client));
      copy(client, target);
    } catch (IOException e) {
      // a refused handshake or a closed peer ends this connection only
    }
  }

  private static void copy(Socket from, Socket to) {
    try {
      InputStream in = from.getInputStream();
      OutputStream out = to.getOutputStream();
      byte[] buf = new byte[8192];
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // connection closed
    } finally {
      try {
        to.close();   // EOF for the other side (an SSLSocket cannot half-close)
      } catch (IOException e) {
        // already closed
      }
    }
  }

  @Override public void close() throws IOException {
    server.close();
    pool.shutdownNow();
  }
}
