package org.tandemha.controller.alert;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import org.tandemha.actors.AlertActor;
import org.tandemha.actors.NodeGuardian;
import org.tandemha.actors.port.AlertChannel;
import org.tandemha.controller.NodeConfig;
import org.tandemha.protocol.HaEvent;

/**
 * {@code tandem.alerts} (issue #9 item 7): the duplicate window, the per-type switches, pool messages, e-mail and
 * a webhook. Every mistake is a {@link NodeConfig.Invalid} naming the key; secrets only from 0600 files.
 */
public final class AlertConfig {
  private AlertConfig() {}

  /** The event types an operator may switch, as {@code tandem events --type} names them. */
  static final Set<String> TYPES = Arrays.stream(HaEvent.class.getPermittedSubclasses()).map(Class::getSimpleName)
      .collect(Collectors.toUnmodifiableSet());

  public static NodeGuardian.Alerting read(Config all) {
    try {
      Config a = all.getConfig("tandem.alerts");
      Duration screen = a.getDuration("screen-time");
      if (screen.isNegative()) throw new NodeConfig.Invalid("tandem.alerts.screen-time must not be negative");
      Map<String, Boolean> switches = new LinkedHashMap<>();
      Config events = a.getConfig("events");
      for (var e : events.root().entrySet()) {
        if (!TYPES.contains(e.getKey())) {
          throw new NodeConfig.Invalid("tandem.alerts.events." + e.getKey() + ": no such event type (one of "
              + TYPES.stream().sorted().collect(Collectors.joining(", ")) + ")");
        }
        if (e.getValue().valueType() != ConfigValueType.BOOLEAN && !List.of("on", "off", "yes", "no", "true", "false")
            .contains(String.valueOf(e.getValue().unwrapped()).toLowerCase(java.util.Locale.ROOT))) {
          throw new NodeConfig.Invalid("tandem.alerts.events." + e.getKey() + " must be on or off, got \""
              + e.getValue().unwrapped() + "\"");
        }
        switches.put(e.getKey(), events.getBoolean(e.getKey()));
      }
      List<AlertChannel> channels = new ArrayList<>();
      mail(a.getConfig("mail"), all).ifPresent(channels::add);
      webhook(a.getConfig("webhook")).ifPresent(channels::add);
      return new NodeGuardian.Alerting(channels, a.getBoolean("xapi"),
          new AlertActor.Settings(screen, switches, AlertActor.Settings.DEFAULT_RETRIES));
    } catch (ConfigException e) {
      throw new NodeConfig.Invalid("tandem.alerts: " + e.getMessage(), e);
    }
  }

  static Optional<AlertChannel> mail(Config m, Config all) {
    List<String> to = m.getStringList("to");
    if (to.isEmpty()) return Optional.empty();   // MAIL_ON=0
    for (String t : to) address("tandem.alerts.mail.to", t);
    String from = address("tandem.alerts.mail.from", m.getString("from"));
    String server = m.getString("server").strip();
    if (server.isEmpty() || !server.matches("[A-Za-z0-9.:\\[\\]-]+")) {
      throw new NodeConfig.Invalid("tandem.alerts.mail.server: \"" + server + "\" is not a host name or address");
    }
    int port = m.getInt("port");
    if (port < 1 || port > 65535) throw new NodeConfig.Invalid("tandem.alerts.mail.port must be 1-65535, got " + port);
    SmtpMail.Security security = switch (m.getString("security").strip().toLowerCase(java.util.Locale.ROOT)) {
      case "auto" -> port == 465 ? SmtpMail.Security.SMTPS : port == 587 ? SmtpMail.Security.STARTTLS : SmtpMail.Security.PLAIN;
      case "plain" -> SmtpMail.Security.PLAIN;
      case "starttls" -> SmtpMail.Security.STARTTLS;
      case "smtps" -> SmtpMail.Security.SMTPS;
      default -> throw new NodeConfig.Invalid("tandem.alerts.mail.security must be auto, plain, starttls or smtps, got \""
          + m.getString("security") + "\"");
    };
    String user = m.getString("user").strip();
    Optional<SmtpMail.Login> login = Optional.empty();
    if (!user.isEmpty()) {
      String file = m.getString("password-file").strip();
      if (file.isEmpty()) {
        throw new NodeConfig.Invalid("tandem.alerts.mail.user is set but password-file is not (SMTP_PASS goes in a "
            + "0600 file)");
      }
      login = Optional.of(new SmtpMail.Login(user, NodeConfig.secret("tandem.alerts.mail.password-file", Path.of(file))));
    }
    if (login.isPresent() && security == SmtpMail.Security.PLAIN) {
      throw new NodeConfig.Invalid("tandem.alerts.mail: a login over plain SMTP would send the password in clear "
          + "text; use security = starttls or smtps");
    }
    Duration timeout = m.getDuration("timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new NodeConfig.Invalid("tandem.alerts.mail.timeout must be positive");
    String host = hostName();
    return Optional.of(new SmtpMail(new SmtpMail.Settings(server, port, security, login, from, to,
        m.getString("subject").replace("%h", host), timeout, trust(m))));
  }

  static Optional<AlertChannel> webhook(Config w) {
    String url = w.getString("url").strip();
    if (url.isEmpty()) return Optional.empty();
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new NodeConfig.Invalid("tandem.alerts.webhook.url: \"" + url + "\" is not a URL: " + e.getMessage());
    }
    if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
      throw new NodeConfig.Invalid("tandem.alerts.webhook.url must be an http:// or https:// URL, got \"" + url + "\"");
    }
    Optional<String> header = Optional.empty();
    String file = w.getString("header-file").strip();
    if (!file.isEmpty()) {
      String h = NodeConfig.secret("tandem.alerts.webhook.header-file", Path.of(file));
      if (!h.matches("[A-Za-z0-9-]+:.+")) {
        throw new NodeConfig.Invalid("tandem.alerts.webhook.header-file: its first line must be a header, "
            + "\"Name: value\"");
      }
      if (uri.getScheme().equals("http")) {
        throw new NodeConfig.Invalid("tandem.alerts.webhook: a header from header-file over plain http would send it in "
            + "clear text; use an https:// URL");
      }
      header = Optional.of(h);
    }
    Duration timeout = w.getDuration("timeout");
    if (timeout.isNegative() || timeout.isZero()) throw new NodeConfig.Invalid("tandem.alerts.webhook.timeout must be positive");
    return Optional.of(new Webhook(uri, header, timeout, tls(w, "tandem.alerts.webhook")));
  }

  /** An e-mail address as MAIL_FROM/MAIL_TO take it: one mailbox, strictly parsed (HA-Lizard only looked for "@"). */
  public static String address(String key, String text) {
    String t = text.strip();
    try {
      jakarta.mail.internet.InternetAddress a = new jakarta.mail.internet.InternetAddress(t, true);
      a.validate();
      if (!t.contains("@") || t.contains(",") || !a.getAddress().equals(t)) throw new IllegalArgumentException("not one mailbox");
    } catch (jakarta.mail.internet.AddressException | IllegalArgumentException e) {
      throw new NodeConfig.Invalid(key + ": \"" + text + "\" is not an e-mail address (name@domain)");
    }
    return t;
  }

  private static Optional<SSLSocketFactory> trust(Config m) {
    return tls(m, "tandem.alerts.mail").map(SSLContext::getSocketFactory);
  }

  /** A TLS context trusting the PKCS12 {@code trust-store} (a self-signed server's certificate or its CA), or empty. */
  private static Optional<SSLContext> tls(Config m, String key) {
    String store = m.getString("trust-store").strip();
    if (store.isEmpty()) return Optional.empty();
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, org.tandemha.controller.TrustStores.pkcs12(Path.of(store), m.getString("trust-store-password")),
          null);
      return Optional.of(ctx);
    } catch (Exception e) {
      throw new NodeConfig.Invalid(key + ".trust-store: " + store + " cannot be read as PKCS12: " + e.getMessage());
    }
  }

  private static String hostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }
}
