package org.tandemha.controller.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.actor.testkit.typed.javadsl.TestProbe;
import akka.actor.typed.ActorRef;
import akka.actor.typed.eventstream.EventStream;
import com.typesafe.config.ConfigFactory;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.subethamail.smtp.auth.EasyAuthenticationHandlerFactory;
import org.subethamail.smtp.auth.LoginFailedException;
import org.subethamail.smtp.helper.SimpleMessageListener;
import org.subethamail.smtp.server.SMTPServer;
import org.tandemha.actors.AlertActor;
import org.tandemha.actors.port.AlertChannel;
import org.tandemha.actors.port.Clock;
import org.tandemha.controller.NodeConfig;
import org.tandemha.protocol.Admin;
import org.tandemha.protocol.HaEvent;
import org.tandemha.protocol.HostId;

/**
 * Issue #9 item 7 against real servers started here: an SMTP server (SubEtha SMTP) in plain, STARTTLS and SMTPS
 * modes, with and without AUTH, and a local HTTP receiver for the webhook. The mail says what happened, why and what
 * to do; a duplicate within MAIL_SCREEN_TIME is not sent again; a failing channel is retried and reported; a server
 * without STARTTLS never gets the mail in clear text when STARTTLS is asked for.
 */
class AlertChannelsTest {
  static final ActorTestKit testKit = ActorTestKit.create("AlertChannelsTest");
  static final HostId SELF = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a01");
  static final HostId PEER = new HostId("3f9a2c1e-5b7d-4e8f-a1c3-000000000a02");
  static final String STORE_PASSWORD = "alert-test";

  @TempDir static Path tmp;
  static Path keystore;

  record Mail(String from, String to, String text) {}

  @BeforeAll
  static void certificate() throws Exception {
    keystore = tmp.resolve("smtp.p12");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process p = new ProcessBuilder(keytool, "-genkeypair", "-alias", "smtp", "-keyalg", "RSA", "-keysize", "2048",
        "-validity", "30", "-dname", "CN=127.0.0.1", "-ext", "san=ip:127.0.0.1", "-keystore", keystore.toString(),
        "-storetype", "PKCS12", "-storepass", STORE_PASSWORD).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, "keytool: " + out);
  }

  @AfterAll static void shutdown() { testKit.shutdownTestKit(); }

  static SSLContext serverTls() throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      ks.load(in, STORE_PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, STORE_PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  enum Mode { PLAIN, STARTTLS, SMTPS }

  static SMTPServer smtp(Mode mode, boolean auth, List<Mail> into) throws Exception {
    SMTPServer.Builder b = SMTPServer.port(0).bindAddress(InetAddress.getByName("127.0.0.1"))
        .simpleMessageListener(new SimpleMessageListener() {
          @Override public boolean accept(String from, String to) { return true; }

          @Override public void deliver(String from, String to, InputStream data) throws java.io.IOException {
            into.add(new Mail(from, to, new String(data.readAllBytes(), StandardCharsets.UTF_8)));
          }
        });
    if (mode == Mode.STARTTLS) b.enableTLS().requireTLS().startTlsSocketFactory(serverTls());
    if (mode == Mode.SMTPS) b.serverSocketFactory(serverTls());
    if (auth) {
      b.requireAuth().authenticationHandlerFactory(new EasyAuthenticationHandlerFactory((user, password, ctx) -> {
        if (!user.equals("tandem") || !password.equals("s3cret")) throw new LoginFailedException("bad login");
      }));
    }
    SMTPServer s = b.build();
    s.start();
    return s;
  }

  static Path secret(String name, String text) throws Exception {
    Path f = tmp.resolve(name);
    Files.writeString(f, text + "\n");
    Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return f;
  }

  static AlertChannel mailChannel(int port, String security, boolean login) throws Exception {
    String conf = "tandem.alerts.mail { to = [\"ops@example.org\", \"oncall@example.org\"], from = \"tandem@example.org\", "
        + "server = \"127.0.0.1\", port = " + port + ", security = " + security + ", timeout = 5s, "
        + "trust-store = \"" + keystore + "\", trust-store-password = \"" + STORE_PASSWORD + "\""
        + (login ? ", user = tandem, password-file = \"" + secret("smtp-pass", "s3cret") + "\"" : "") + " }";
    var all = ConfigFactory.parseString(conf).withFallback(ConfigFactory.parseResources("application.conf")).resolve();
    return AlertConfig.mail(all.getConfig("tandem.alerts.mail"), all).orElseThrow();
  }

  static AlertChannel.Alert alert(String title) {
    return new AlertChannel.Alert("FenceFailed", 1, title, "Fencing host xs2 through fence_ipmilan failed: timeout.",
        "Check the fence device.", SELF.uuid() + " (xs1)", Instant.parse("2026-11-30T03:00:00Z"));
  }

  @Test
  void mailGoesOutPlainWithStarttlsAndOverSmtpsWithItsWords() throws Exception {
    for (Mode mode : Mode.values()) {
      List<Mail> got = new CopyOnWriteArrayList<>();
      SMTPServer server = smtp(mode, mode != Mode.PLAIN, got);
      try {
        AlertChannel ch = mailChannel(server.getPortAllocated(), mode.name().toLowerCase(java.util.Locale.ROOT),
            mode != Mode.PLAIN);
        ch.send(alert("fencing xs2 FAILED"));
        assertEquals(2, got.size(), mode + ": one delivery per recipient");
        String text = got.get(0).text();
        assertTrue(text.contains("Subject: SYSTEM_ALERT-FROM_HOST:") && text.contains("fencing xs2 FAILED"), text);
        assertTrue(text.contains("failed: timeout") && text.contains("What to do: Check the fence device."), text);
        assertTrue(text.contains("X-Priority: 1"), text);
        assertEquals("tandem@example.org", got.get(0).from());
      } finally {
        server.stop();
      }
    }
  }

  @Test
  void starttlsAskedForIsNeverPlainAndAWrongLoginIsAFailure() throws Exception {
    List<Mail> got = new CopyOnWriteArrayList<>();
    SMTPServer plain = smtp(Mode.PLAIN, false, got);
    try {
      AlertChannel ch = mailChannel(plain.getPortAllocated(), "starttls", false);
      Exception e = assertThrows(Exception.class, () -> ch.send(alert("x")));
      assertTrue(String.valueOf(e.getMessage()).toUpperCase().contains("STARTTLS"), e.toString());
      assertEquals(List.of(), got, "nothing sent in clear text");
    } finally {
      plain.stop();
    }
    SMTPServer tls = smtp(Mode.STARTTLS, true, got);
    try {
      String conf = "tandem.alerts.mail { to = [\"ops@example.org\"], server = \"127.0.0.1\", port = "
          + tls.getPortAllocated() + ", security = starttls, trust-store = \"" + keystore + "\", trust-store-password = \""
          + STORE_PASSWORD + "\", user = tandem, password-file = \"" + secret("wrong", "guess") + "\" }";
      var all = ConfigFactory.parseString(conf).withFallback(ConfigFactory.parseResources("application.conf")).resolve();
      AlertChannel ch = AlertConfig.mail(all.getConfig("tandem.alerts.mail"), all).orElseThrow();
      assertThrows(Exception.class, () -> ch.send(alert("x")));
      assertEquals(List.of(), got);
    } finally {
      tls.stop();
    }
  }

  @Test
  void theAlertActorSendsOnceWithinTheWindowRetriesAndReports() throws Exception {
    List<Mail> mails = new CopyOnWriteArrayList<>();
    SMTPServer server = smtp(Mode.STARTTLS, true, mails);
    List<String> posted = new CopyOnWriteArrayList<>();
    AtomicInteger failFirst = new AtomicInteger(1);
    com.sun.net.httpserver.HttpsServer http = com.sun.net.httpserver.HttpsServer.create(
        new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 0);
    http.setHttpsConfigurator(new com.sun.net.httpserver.HttpsConfigurator(serverTls()));
    http.createContext("/hook", ex -> {
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      int code = failFirst.getAndDecrement() > 0 ? 503 : 200;
      if (code == 200) posted.add(ex.getRequestHeaders().getFirst("Authorization") + " " + body);
      ex.sendResponseHeaders(code, -1);
      ex.close();
    });
    http.start();
    try {
      AlertChannel mail = mailChannel(server.getPortAllocated(), "starttls", true);
      var hook = AlertConfig.webhook(ConfigFactory.parseString("url = \"https://127.0.0.1:" + http.getAddress().getPort()
          + "/hook\", header-file = \"" + secret("hook-header", "Authorization: Bearer abc") + "\", timeout = 5s, "
          + "trust-store = \"" + keystore + "\", trust-store-password = \"" + STORE_PASSWORD + "\"")).orElseThrow();
      var io = Executors.newFixedThreadPool(2);
      ActorRef<AlertActor.Command> alerts = testKit.spawn(AlertActor.create(SELF, List.of(mail, hook),
          new AlertActor.Settings(Duration.ofMinutes(60), Map.of("VmRestarted", true), List.of(Duration.ofMillis(300))),
          Optional.empty(), Clock.system(), io));
      Thread.sleep(300);   // subscribed
      HaEvent failed = new HaEvent.FenceFailed(PEER, "fence_ipmilan@10.0.0.5", "timeout after 30s", Instant.now());
      testKit.system().eventStream().tell(new EventStream.Publish<>(failed));
      testKit.system().eventStream().tell(new EventStream.Publish<>(failed));   // the same words: suppressed
      testKit.system().eventStream().tell(new EventStream.Publish<>(
          new HaEvent.QuorumEvaluated(2, 2, true, List.of(), "ok", Instant.now())));   // never alerts
      testKit.system().eventStream().tell(new EventStream.Publish<>(
          new HaEvent.VmRestarted(new org.tandemha.protocol.VmId("b0e1c2d3-0001-4000-8000-0000000c0f01"), "db-01",
              SELF, Instant.now())));   // off by default, switched on here
      long end = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while ((mails.size() < 4 || posted.size() < 2) && System.nanoTime() < end) Thread.sleep(50);
      assertEquals(4, mails.size(), "one FenceFailed and one VmRestarted mail, to two recipients each: " + mails);
      assertEquals(2, posted.size(), "the webhook's first 503 retried: " + posted);
      assertTrue(posted.stream().allMatch(p -> p.startsWith("Bearer abc {")), posted.toString());
      assertTrue(posted.stream().anyMatch(p -> p.contains("\"type\":\"FenceFailed\"") && p.contains("\"priority\":1")),
          posted.toString());

      TestProbe<Admin.Reply> reply = testKit.createTestProbe();
      alerts.tell(new AlertActor.Recent(reply.ref()));
      Admin.Reply list = reply.receiveMessage();
      String text = String.join("\n", list.lines());
      assertTrue(text.contains("fencing " + PEER.uuid() + " FAILED"), text);
      assertTrue(text.contains("sent (try 2)"), "the webhook's retry is reported: " + text);
      assertTrue(text.contains("suppressed as duplicates within MAIL_SCREEN_TIME: 1 x"), text);

      alerts.tell(new AlertActor.Test("root", reply.ref()));
      Admin.Reply test = reply.receiveMessage(Duration.ofSeconds(20));
      assertEquals(0, test.exit(), test.lines().toString());
      assertEquals(2, test.lines().size(), test.lines().toString());
      assertTrue(mails.stream().anyMatch(m -> m.text().contains("Test Message ID")), "the test mail arrived");

      server.stop();   // a dead mail server: reported, never fatal
      alerts.tell(new AlertActor.Test("root", reply.ref()));
      Admin.Reply down = reply.receiveMessage(Duration.ofSeconds(30));
      assertEquals(1, down.exit());
      assertTrue(down.lines().stream().anyMatch(l -> l.startsWith("mail") && l.contains("FAILED")), down.lines().toString());
      assertTrue(down.lines().stream().anyMatch(l -> l.startsWith("webhook") && l.endsWith(": sent")), down.lines().toString());
      io.shutdown();
    } finally {
      server.stop();
      http.stop(0);
    }
  }

  @Test
  void badAlertSettingsAreNamed() throws Exception {
    Path open = tmp.resolve("open-pass");
    Files.writeString(open, "x\n");
    Files.setPosixFilePermissions(open, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Map<String, String> cases = Map.of(
        "mail { to = [\"ops\"] }", "is not an e-mail address",
        "mail { to = [\"ops@example.org\"], from = \"a@b, c@d\" }", "is not an e-mail address",
        "mail { to = [\"ops@example.org\"], port = 0 }", "must be 1-65535",
        "mail { to = [\"ops@example.org\"], security = tls }", "must be auto, plain, starttls or smtps",
        "mail { to = [\"ops@example.org\"], user = u, password-file = \"" + open + "\", security = smtps }", "chmod 600",
        "mail { to = [\"ops@example.org\"], user = u, password-file = \"" + secret("p", "x") + "\" }", "clear text",
        "webhook { url = \"ftp://example.org/x\" }", "http:// or https://",
        "webhook { url = \"http://example.org/x\", header-file = \"" + secret("h", "Authorization: Bearer x") + "\" }",
        "clear text",
        "events { Fence = on }", "no such event type",
        "events { FenceFailed = maybe }", "must be on or off");
    for (var c : cases.entrySet()) {
      var all = ConfigFactory.parseString("tandem.alerts { " + c.getKey() + " }")
          .withFallback(ConfigFactory.parseResources("application.conf")).resolve();
      NodeConfig.Invalid e = assertThrows(NodeConfig.Invalid.class, () -> AlertConfig.read(all), c.getKey());
      assertTrue(e.getMessage().contains(c.getValue()), c.getKey() + " -> " + e.getMessage());
    }
    var none = AlertConfig.read(ConfigFactory.parseResources("application.conf").resolve());
    assertTrue(none.channels().isEmpty() && none.poolMessages(), "defaults: pool messages only");
    assertFalse(none.settings().switches().containsKey("VmRestarted"));
  }
}
