package org.tandemha.actors.port;

import java.util.List;

/** XAPI answered with an API error: the code and parameters exactly as XAPI sent them. */
public final class XapiFailure extends RuntimeException {
  private final String code;
  private final List<String> params;

  public XapiFailure(String call, String code, List<String> params) {
    super(call + " failed: " + code + " " + params);
    this.code = code;
    this.params = List.copyOf(params);
  }

  public String code() { return code; }
  public List<String> params() { return params; }
}
