package org.tandemha.controller.alert;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.tandemha.actors.port.AlertChannel;
import org.tandemha.controller.admin.AdminSocket;

/**
 * A generic webhook: each alert as one JSON object POSTed to the URL (Slack, Teams, Telegram and Nagios bridges read
 * it), with an optional header (e.g. {@code Authorization: Bearer …}, kept in a 0600 file). Anything but a 2xx
 * answer within the timeout is a failure, retried by the alert actor.
 */
public final class Webhook implements AlertChannel {
  private final URI url;
  private final Optional<String[]> header;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * @param header a header line {@code Name: value}, or empty
   * @param tls    trust for an https receiver with its own certificate, or empty: the JDK's CAs
   */
  public Webhook(URI url, Optional<String> header, Duration timeout, Optional<javax.net.ssl.SSLContext> tls) {
    this.url = url;
    this.header = header.map(h -> {
      int colon = h.indexOf(':');
      return new String[] {h.substring(0, colon).strip(), h.substring(colon + 1).strip()};
    });
    this.timeout = timeout;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER);
    tls.ifPresent(b::sslContext);
    this.client = b.build();
  }

  /** The path is left out: chat webhooks (Slack, Teams) carry their secret in it. */
  @Override public String name() {
    return "webhook " + url.getScheme() + "://" + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "") + "/…";
  }

  /** The JSON body: stable field names for scripts, {@code text} for chat bridges that show one field. */
  public static String json(Alert a) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("source", "tandem");
    m.put("type", a.type());
    m.put("priority", a.priority());
    m.put("title", a.title());
    m.put("what", a.what());
    m.put("action", a.action());
    m.put("host", a.host());
    m.put("at", a.at().toString());
    m.put("text", "[Tandem] " + a.title() + "\n" + a.what() + "\nWhat to do: " + a.action());
    return AdminSocket.json(m);
  }

  @Override public void send(Alert alert) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(url).timeout(timeout).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json(alert)));
    header.ifPresent(h -> b.header(h[0], h[1]));
    HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() / 100 != 2) {
      String body = r.body() == null ? "" : r.body().strip();
      throw new java.io.IOException("HTTP " + r.statusCode() + (body.isEmpty() ? "" : ": "
          + body.substring(0, Math.min(200, body.length()))));
    }
  }
}
