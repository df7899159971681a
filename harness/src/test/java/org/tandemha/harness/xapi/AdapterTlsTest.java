package org.tandemha.harness.xapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tandemha.actors.port.Clock;
import org.tandemha.actors.port.XapiUnreachable;
import org.tandemha.controller.xapi.SdkXapiAdapter;
import org.tandemha.controller.xapi.XapiConnections;
import org.tandemha.harness.sim.HostSpec;
import org.tandemha.harness.sim.SimPool;
import org.tandemha.harness.sim.SimPoolSpec;
import org.tandemha.harness.sim.VmSpec;
import org.tandemha.harness.sim.XapiSimServer;

/**
 * The adapter speaks HTTPS to XAPI and trusts only what the operator configured: pinned certificate
 * fingerprints or a trust store; a self-signed host certificate is refused otherwise (issue #3, transport
 * security). Plain http leaves the machine only when explicitly allowed.
 */
class AdapterTlsTest {
  static final String HOST = "6c1f0000-0000-4000-8000-000000000061";
  static final String ADDRESS = "127.0.0.61";
  static final String PASSWORD = "tls-test-password";
  @TempDir static Path dir;
  static SimPool pool;
  static XapiSimServer sim;
  static TlsRelay relay;
  static Path keystore;
  static String fingerprint;

  @BeforeAll static void start() throws Exception {
    pool = new SimPool(new SimPoolSpec("6c1f0000-0000-4000-8000-0000000000f1", "tls-pool",
        List.of(new HostSpec(HOST, "tls-host", ADDRESS)), HOST,
        List.of(new VmSpec("6c1f0000-0000-4000-8000-0000000000a1", "tls-vm", "Running", HOST, Map.of(), 0, 0)),
        Map.of(), "root", PASSWORD, Duration.ofMillis(100), Duration.ofMillis(100)));
    sim = new XapiSimServer(pool, 0);
    keystore = TlsRelay.selfSignedKeystore(dir, ADDRESS);
    relay = new TlsRelay(keystore, ADDRESS, sim.port());
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, TlsRelay.PASSWORD.toCharArray());
    }
    Certificate cert = ks.getCertificate("xapi");
    fingerprint = HexFormat.ofDelimiter(":").withUpperCase().formatHex(
        MessageDigest.getInstance("SHA-256").digest(cert.getEncoded()));
  }

  @AfterAll static void stop() throws Exception {
    relay.close();
    sim.close();
  }

  static SdkXapiAdapter adapter(XapiConnections.Security security) {
    return new SdkXapiAdapter(new SdkXapiAdapter.Endpoint("https", relay.port(), ADDRESS, "root", PASSWORD,
        Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofSeconds(1), security), Clock.system());
  }

  @Test
  void pinnedFingerprintIsTrusted() {
    var security = new XapiConnections.Security(Optional.empty(), "", List.of(fingerprint), false, Optional.empty());
    assertEquals("tls-vm", adapter(security).readPool().vms().stream()
        .filter(v -> !v.controlDomain()).findFirst().orElseThrow().name());
  }

  @Test
  void otherFingerprintIsRefused() {
    String other = "00".repeat(32);
    var security = new XapiConnections.Security(Optional.empty(), "", List.of(other), false, Optional.empty());
    XapiUnreachable e = assertThrows(XapiUnreachable.class, () -> adapter(security).readPool());
    assertTrue(e.getMessage().contains("not pinned") || String.valueOf(e.getCause()).contains("not pinned"),
        e.toString());
  }

  @Test
  void trustStoreWithTheHostCertificateIsTrusted() throws Exception {
    Path trust = dir.resolve("trust.p12");
    KeyStore src = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      src.load(in, TlsRelay.PASSWORD.toCharArray());
    }
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("xcp-host", src.getCertificate("xapi"));
    try (var out = Files.newOutputStream(trust)) {
      ts.store(out, "trust-pass".toCharArray());
    }
    var security = new XapiConnections.Security(Optional.of(trust), "trust-pass", List.of(), false, Optional.empty());
    assertEquals(HOST, adapter(security).readPool().master().uuid());
  }

  @Test
  void selfSignedCertificateIsRefusedWithoutConfiguredTrust() {
    var security = new XapiConnections.Security(Optional.empty(), "", List.of(), false, Optional.empty());
    assertThrows(XapiUnreachable.class, () -> adapter(security).readPool());
  }

  @Test
  void plainHttpOffTheMachineIsRefusedUnlessAllowed() {
    var connections = new XapiConnections("http", 80, XapiConnections.Security.loopbackOnly());
    XapiUnreachable e = assertThrows(XapiUnreachable.class,
        () -> connections.open("192.0.2.10", Duration.ofSeconds(1), Duration.ofSeconds(1)));
    assertTrue(e.getMessage().contains("allow-plain-http"), e.getMessage());
    connections.open("127.0.0.1", Duration.ofSeconds(1), Duration.ofSeconds(1));   // loopback is fine
  }
}
