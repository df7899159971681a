package org.tandemha.harness;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.tandemha.actors.port.StoragePort;
import org.tandemha.protocol.HostId;

/**
 * A simulated host's replicated storage, seen from its node process: the simulator's DRBD resource {@code r0}, iSCSI
 * target and floating IP, read and driven over the control endpoint ({@code /hosts/<uuid>/storage…}) where the real
 * adapter (drbd-iscsi HostStorage) runs drbdadm, tgtadm and ip. A step the simulated tool refuses fails with its
 * words, as the real one's does; an answer that cannot be read is an error, never a guess.
 */
public final class SimStorage implements StoragePort {
  static final String RESOURCE = "r0";
  private final URI base;
  private final HostId self;
  private final HttpClient http;
  private final Duration timeout;

  public SimStorage(URI base, HostId self, Duration timeout) {
    this.base = base;
    this.self = self;
    this.timeout = timeout;
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override public String describe() {
    return "DRBD " + RESOURCE + " (simulated), tgtd (simulated), floating IP (simulated)";
  }

  @Override public Observed observe() {
    Map<String, String> v = new HashMap<>();
    for (String line : call("storage", "GET", "").split("\n")) {
      int sp = line.indexOf(' ');
      if (sp > 0) v.put(line.substring(0, sp), line.substring(sp + 1).trim());
    }
    for (String key : List.of("role", "connection", "peer-role", "peer-disks", "split-brain", "target", "ip")) {
      if (!v.containsKey(key)) throw new StorageError("simulated storage of " + self + ": no " + key + " in " + v);
    }
    List<String> peerDisks = v.get("peer-disks").isEmpty() ? List.of() : Arrays.asList(v.get("peer-disks").split(","));
    Resource r = new Resource(RESOURCE, v.get("role"), List.of("UpToDate"), v.get("connection"), v.get("peer-role"),
        peerDisks, Boolean.parseBoolean(v.get("split-brain")));
    boolean target = Boolean.parseBoolean(v.get("target"));
    return new Observed(List.of(r), target, target, Boolean.parseBoolean(v.get("ip")));
  }

  @Override public boolean floatingIpAnswersElsewhere() {
    return Boolean.parseBoolean(call("storage-elsewhere", "GET", "").trim());
  }

  @Override public void promote(String resource) { step(resource, "promote"); }

  @Override public void demote(String resource) { step(resource, "demote"); }

  @Override public void startTarget() { step(RESOURCE, "start-target"); }

  @Override public void stopTarget() { step(RESOURCE, "stop-target"); }

  @Override public void addFloatingIp() { step(RESOURCE, "add-ip"); }

  @Override public void removeFloatingIp() { step(RESOURCE, "remove-ip"); }

  @Override public void resolveSplitBrain(String resource, boolean survivor) {
    step(resource, survivor ? "resolve-survivor" : "resolve-victim");
  }

  private void step(String resource, String step) {
    if (!resource.equals(RESOURCE)) throw new StorageError(resource + " is not a configured DRBD resource");
    call("storage-step", "POST", "?step=" + step);
  }

  private String call(String action, String method, String query) {
    URI u = base.resolve("/hosts/" + self.uuid() + "/" + action + query);
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(u).timeout(timeout)
          .method(method, HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) throw new StorageError(r.body().isBlank() ? action + ": HTTP " + r.statusCode() : r.body());
      return r.body();
    } catch (IOException e) {
      throw new StorageError("simulated storage unreachable: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageError("simulated storage: interrupted");
    }
  }
}
