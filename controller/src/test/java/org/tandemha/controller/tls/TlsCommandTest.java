package org.tandemha.controller.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.tandemha.controller.NodeConfig;

/** tandem tls init / issue, and what a node makes of their files (ClusterTransport). */
class TlsCommandTest {
  static final Instant NOW = Instant.parse("2026-11-30T12:00:00Z");
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run tls(String... args) {
    var out = new ByteArrayOutputStream();
    var err = new ByteArrayOutputStream();
    List<String> a = new ArrayList<>(Arrays.asList(args));
    int code = TlsCommand.run(a, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8), () -> NOW);
    return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  Config node(Path tlsDir, String transport) {
    return ConfigFactory.parseString("tandem.cluster.transport = " + transport + "\ntandem.cluster.tls.dir = \""
            + tlsDir + "\"").withFallback(ConfigFactory.defaultApplication()).withFallback(ConfigFactory.defaultReference())
        .resolve();
  }

  static String mode(Path p) throws Exception {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
  }

  @Test
  void initThenIssueGiveANodeItsMutualTlsConfiguration() throws Exception {
    Path ca = dir.resolve("tls");
    Run init = tls("init", "--dir", ca.toString(), "--pool", "lab");
    assertEquals(0, init.code(), init.err());
    assertTrue(init.out().contains("made the pool CA \"CN=Tandem pool CA lab,O=Tandem\""), init.out());
    assertEquals("rwx------", mode(ca));
    assertEquals("rw-------", mode(ca.resolve("pool-ca.p12")));
    assertEquals("rw-------", mode(ca.resolve("ca.pass")));

    assertEquals(0, tls("issue", "xs6", "--address", "fd00::6", "--dir", ca.toString()).code(), "an IPv6 address");
    Run issue = tls("issue", "xs1", "--address", "10.0.0.11", "--dir", ca.toString());
    assertEquals(0, issue.code(), issue.err());
    assertTrue(issue.out().contains("issued xs1's certificate (CN=xs1,O=Tandem, IP 10.0.0.11), valid until 2029-11-29"),
        issue.out());
    Path bundle = ca.resolve("xs1");
    assertEquals("rwx------", mode(bundle));
    for (String f : List.of("node.p12", "trust.p12", "keystore.pass")) assertEquals("rw-------", mode(bundle.resolve(f)), f);
    String password = Files.readString(bundle.resolve("keystore.pass")).trim();
    assertFalse(issue.out().contains(password) || init.out().contains(password), "no password printed");

    Config akka = ClusterTransport.apply(node(bundle, "tls"), NOW);
    assertEquals("tls-tcp", akka.getString("akka.remote.artery.transport"));
    Config engine = akka.getConfig("akka.remote.artery.ssl.config-ssl-engine");
    assertEquals("on", engine.getString("require-mutual-authentication"));
    assertEquals("TLSv1.3", engine.getString("protocol"));
    assertEquals(bundle.resolve("node.p12").toString(), engine.getString("key-store"));
    assertEquals(password, engine.getString("key-store-password"));
  }

  @Test
  void nothingIsReplacedAndAnIssueNeedsTheCa() throws Exception {
    Path ca = dir.resolve("tls");
    assertEquals(1, tls("issue", "xs1", "--dir", ca.toString()).code(), "no CA yet");
    assertEquals(0, tls("init", "--dir", ca.toString()).code());
    byte[] before = Files.readAllBytes(ca.resolve("pool-ca.p12"));
    Run again = tls("init", "--dir", ca.toString());
    assertEquals(1, again.code());
    assertTrue(again.err().contains("this pool has a CA, left as it is"), again.err());
    assertTrue(Arrays.equals(before, Files.readAllBytes(ca.resolve("pool-ca.p12"))));
    assertEquals(0, tls("issue", "xs1", "--dir", ca.toString()).code());
    byte[] node = Files.readAllBytes(ca.resolve("xs1/node.p12"));
    Run twice = tls("issue", "xs1", "--dir", ca.toString());
    assertEquals(1, twice.code());
    assertTrue(twice.err().contains("holds xs1's certificate already"), twice.err());
    assertTrue(Arrays.equals(node, Files.readAllBytes(ca.resolve("xs1/node.p12"))));
    Files.setPosixFilePermissions(ca.resolve("ca.pass"), PosixFilePermissions.fromString("rw-r--r--"));
    Run open = tls("issue", "xs2", "--dir", ca.toString());
    assertEquals(1, open.code());
    assertTrue(open.err().contains("is readable by others (rw-r--r--); chmod 600 it"), open.err());
    assertFalse(Files.exists(ca.resolve("xs2/node.p12")));
  }

  static Stream<Arguments> badUsage() {
    return Stream.of(
        Arguments.of(List.of("rotate"), "unknown verb \"rotate\""),
        Arguments.of(List.of("issue"), "issue needs the HOST its certificate is for"),
        Arguments.of(List.of("issue", "xs1", "xs2"), "unexpected argument \"xs2\""),
        Arguments.of(List.of("issue", "../etc"), "HOST must be a host name"),
        Arguments.of(List.of("issue", "xs1", "--address", "xs1.lan"), "--address must be an IP address, not \"xs1.lan\""),
        Arguments.of(List.of("issue", "xs1", "--address", "999.1.1.1"), "--address must be an IP address, not \"999.1.1.1\""),
        Arguments.of(List.of("issue", "xs1", "--address", "1.2.3"), "--address must be an IP address"),
        Arguments.of(List.of("issue", "xs_1"), "HOST must be a host name"),
        Arguments.of(List.of("init", "--days", "ten"), "--days must be a whole number of days from 1 to 99999, not \"ten\""),
        Arguments.of(List.of("init", "--days", "0"), "--days must be a whole number"),
        Arguments.of(List.of("init", "--dir"), "--dir needs a value"),
        Arguments.of(List.of("init", "xs1"), "unexpected argument \"xs1\""),
        Arguments.of(List.of("init", "--address", "10.0.0.1"), "init takes no --address or --out"));
  }

  @ParameterizedTest
  @MethodSource("badUsage")
  void badUsageIsExitTwoAndChangesNothing(List<String> args, String message) throws Exception {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--dir", dir.resolve("tls").toString()));
    if (args.contains("--dir")) all = args;
    Run r = tls(all.toArray(String[]::new));
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains(message), r.err());
    assertFalse(Files.exists(dir.resolve("tls")), "nothing made");
  }

  static Stream<Arguments> refusedAtStart() {
    return Stream.of(
        Arguments.of("no files", "insecure-typo", "tandem.cluster.transport must be tls or insecure, got \"insecure-typo\""),
        Arguments.of("no files", "tls", "node.p12 does not exist: make them with `tandem tls issue HOST`"),
        Arguments.of("world-readable password", "tls", "keystore.pass is readable by others (rw-r--r--); chmod 600 it"),
        Arguments.of("group-readable key store", "tls", "node.p12 is readable by others (rw-r-----); chmod 600 it"),
        Arguments.of("wrong password", "tls", "cannot be opened with the password of tandem.cluster.tls.password-file"),
        Arguments.of("expired", "tls", "this node's certificate is valid from"));
  }

  @ParameterizedTest
  @MethodSource("refusedAtStart")
  void aNodeRefusesToStartOnUnusableTlsFilesSayingWhich(String setup, String transport, String message) throws Exception {
    Path ca = dir.resolve("tls");
    Path bundle = ca.resolve("xs1");
    if (!setup.equals("no files")) {
      assertEquals(0, tls("init", "--dir", ca.toString()).code());
      assertEquals(0, tls("issue", "xs1", "--dir", ca.toString(), "--days", "10").code());
    }
    switch (setup) {
      case "world-readable password" -> Files.setPosixFilePermissions(bundle.resolve("keystore.pass"),
          PosixFilePermissions.fromString("rw-r--r--"));
      case "group-readable key store" -> Files.setPosixFilePermissions(bundle.resolve("node.p12"),
          PosixFilePermissions.fromString("rw-r-----"));
      case "wrong password" -> Files.writeString(bundle.resolve("keystore.pass"), "not-the-password\n");
      default -> { }
    }
    Instant at = setup.equals("expired") ? NOW.plus(Duration.ofDays(11)) : NOW;
    NodeConfig.Invalid e = org.junit.jupiter.api.Assertions.assertThrows(NodeConfig.Invalid.class,
        () -> ClusterTransport.apply(node(bundle, transport), at));
    assertTrue(e.getMessage().contains(message), e.getMessage());
  }

  @Test
  void insecureIsPlainTcpAndFlagged() {
    try {
      Config akka = ClusterTransport.apply(node(dir, "insecure"), NOW);
      assertEquals("tcp", akka.getString("akka.remote.artery.transport"));
      assertTrue(org.tandemha.controller.InsecureFlag.on());
      assertEquals("INSECURE ", new org.tandemha.controller.InsecureFlag().convert(null));
    } finally {
      org.tandemha.controller.InsecureFlag.set(false);
    }
  }
}
