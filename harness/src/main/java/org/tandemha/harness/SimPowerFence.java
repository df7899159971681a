package org.tandemha.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.tandemha.actors.port.FenceDeviceError;
import org.tandemha.actors.port.FencePort;
import org.tandemha.protocol.HostId;
import org.tandemha.protocol.PowerState;

/**
 * The simulated pool's power switch, seen from a node process: cuts and reads a simulated host's power
 * over the simulator's control endpoint ({@code /hosts/<uuid>/power}). Like a real PDU it answers only
 * {@code on} or {@code off}; anything else is a device error, never taken as off.
 */
public final class SimPowerFence implements FencePort {
  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  public SimPowerFence(URI base, Duration timeout) {
    this.base = base;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override public String device() { return "sim-power@" + base.getHost() + ":" + base.getPort(); }

  @Override public PowerState powerOff(HostId target) {
    return send(HttpRequest.newBuilder(uri(target, "power-off")).POST(HttpRequest.BodyPublishers.noBody()), target);
  }

  /** The host resets itself (sysrq in dom0): no power switch is involved, so a broken one does not stop it. */
  public PowerState selfFence(HostId self) {
    return send(HttpRequest.newBuilder(uri(self, "self-fence")).POST(HttpRequest.BodyPublishers.noBody()), self);
  }

  @Override public PowerState status(HostId target) {
    return send(HttpRequest.newBuilder(uri(target, "power")).GET(), target);
  }

  /** The guest domains the simulated host really runs ({@code GET /hosts/<uuid>/domains}: "uuid name" lines). */
  public java.util.List<org.tandemha.actors.port.LocalDomains.Domain> domains(HostId host) {
    return text(HttpRequest.newBuilder(uri(host, "domains")).GET()).lines().filter(l -> !l.isBlank())
        .map(l -> {
          int sp = l.indexOf(' ');
          return new org.tandemha.actors.port.LocalDomains.Domain(sp < 0 ? l : l.substring(0, sp),
              sp < 0 ? l : l.substring(sp + 1));
        }).toList();
  }

  /** dom0's {@code xl destroy} of one guest on the simulated host. */
  public void destroyDomain(HostId host, String vmUuid) {
    text(HttpRequest.newBuilder(base.resolve("/hosts/" + host.uuid() + "/destroy-domain?vm=" + vmUuid))
        .POST(HttpRequest.BodyPublishers.noBody()));
  }

  private String text(HttpRequest.Builder request) {
    try {
      HttpResponse<String> r = http.send(request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new FenceDeviceError(device() + " answered HTTP " + r.statusCode() + ": " + r.body());
      return r.body();
    } catch (IOException e) {
      throw new FenceDeviceError(device() + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FenceDeviceError(device() + ": interrupted", e);
    }
  }

  /** What {@code host} cannot reach in the simulated network now: host UUIDs, {@code gateway}, {@code witnesses}. */
  public java.util.Set<String> cutFrom(HostId host) {
    return lines(text(HttpRequest.newBuilder(uri(host, "cut")).GET()));
  }

  /** {@link #cutFrom}, answered once it differs from {@code known} or after {@code wait} (a long poll). */
  public java.util.Set<String> cutFrom(HostId host, java.util.Set<String> known, Duration wait) {
    URI u = base.resolve("/hosts/" + host.uuid() + "/cut?wait-ms=" + wait.toMillis() + "&known="
        + String.join(",", new java.util.TreeSet<>(known)));
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).GET().timeout(wait.plus(timeout)).build(),
          HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new FenceDeviceError(device() + " answered HTTP " + r.statusCode() + ": " + r.body());
      return lines(r.body());
    } catch (IOException e) {
      throw new FenceDeviceError(device() + " unreachable: " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new FenceDeviceError(device() + ": interrupted", e);
    }
  }

  private static java.util.Set<String> lines(String body) {
    return body.lines().map(String::trim).filter(l -> !l.isEmpty()).collect(java.util.stream.Collectors.toSet());
  }

  private URI uri(HostId target, String action) {
    return base.resolve("/hosts/" + target.uuid() + "/" + action);
  }

  private PowerState send(HttpRequest.Builder request, HostId target) {
    String body = text(request).trim();
    return switch (body) {
      case "on" -> PowerState.ON;
      case "off" -> PowerState.OFF;
      default -> throw new FenceDeviceError(device() + " gave an unreadable power state for " + target + ": \"" + body + "\"");
    };
  }

}
