package org.tandemha.controller.alert;

import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import javax.net.ssl.SSLSocketFactory;
import org.tandemha.actors.port.AlertChannel;

/**
 * Alert e-mail over SMTP (HA-Lizard's MAIL_ON, SMTP_SERVER, SMTP_PORT, SMTP_USER, SMTP_PASS, MAIL_FROM, MAIL_TO,
 * MAIL_SUBJECT): plain, STARTTLS (required, never silently plain) or SMTPS (implicit TLS, HA-Lizard's port 465),
 * with the server's certificate checked against the JDK's CAs or the configured trust store, and its name checked.
 * Every connect, read and write is bounded by {@code timeout}.
 */
public final class SmtpMail implements AlertChannel {
  public enum Security { PLAIN, STARTTLS, SMTPS }

  /**
   * @param login    user and password, or empty: no AUTH
   * @param subject  MAIL_SUBJECT; the alert's title is appended
   * @param tls      trust for STARTTLS/SMTPS, or empty: the JDK's CAs
   */
  public record Settings(String server, int port, Security security, Optional<Login> login, String from,
                         List<String> to, String subject, Duration timeout, Optional<SSLSocketFactory> tls) {
    public Settings { to = List.copyOf(to); }
  }

  public record Login(String user, String password) {
    @Override public String toString() { return "Login[" + user + ", ****]"; }
  }

  private final Settings s;

  public SmtpMail(Settings settings) { this.s = settings; }

  @Override public String name() {
    return "mail " + s.server() + ":" + s.port() + " (" + s.security().name().toLowerCase(java.util.Locale.ROOT) + ") to "
        + String.join(",", s.to());
  }

  @Override public void send(Alert alert) throws Exception {
    String protocol = s.security() == Security.SMTPS ? "smtps" : "smtp";
    String p = "mail." + protocol + ".";
    Properties props = new Properties();
    props.put(p + "host", s.server());
    props.put(p + "port", String.valueOf(s.port()));
    String ms = String.valueOf(s.timeout().toMillis());
    props.put(p + "connectiontimeout", ms);
    props.put(p + "timeout", ms);
    props.put(p + "writetimeout", ms);
    props.put(p + "auth", String.valueOf(s.login().isPresent()));
    if (s.security() == Security.STARTTLS) {
      props.put(p + "starttls.enable", "true");
      props.put(p + "starttls.required", "true");   // a server that offers no STARTTLS gets nothing in clear text
    }
    if (s.security() != Security.PLAIN) {
      props.put(p + "ssl.checkserveridentity", "true");
      s.tls().ifPresent(f -> props.put(p + "ssl.socketFactory", f));
    }
    Session session = Session.getInstance(props);
    MimeMessage m = new MimeMessage(session);
    m.setFrom(new InternetAddress(s.from(), true));
    InternetAddress[] to = new InternetAddress[s.to().size()];
    for (int i = 0; i < to.length; i++) to[i] = new InternetAddress(s.to().get(i), true);
    m.setRecipients(Message.RecipientType.TO, to);
    m.setSubject(s.subject() + ": " + alert.title(), "UTF-8");
    m.setSentDate(Date.from(alert.at()));
    m.setHeader("X-Priority", String.valueOf(Math.max(1, Math.min(5, alert.priority()))));
    m.setText(alert.body() + "\n\n-- \nTandem " + org.tandemha.protocol.Version.current() + "\n", "UTF-8");
    try (Transport t = session.getTransport(protocol)) {
      if (s.login().isPresent()) {
        t.connect(s.server(), s.port(), s.login().get().user(), s.login().get().password());
      } else {
        t.connect(s.server(), s.port(), null, null);
      }
      t.sendMessage(m, m.getAllRecipients());
    }
  }
}
