package dev.capkit.netem.toxic;

/**
 * A toxic setting that cannot be used, naming the field (a JSON path such as
 * {@code attributes.latency}) and the value found. Callers that know more of the path (a profile file,
 * a proxy) prefix it with {@link #within(String)}.
 */
public final class ToxicSettingException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String field;
  private final String problem;

  public ToxicSettingException(String field, String problem) {
    super("field '" + field + "': " + problem);
    this.field = field;
    this.problem = problem;
  }

  public String field() {
    return field;
  }

  public String problem() {
    return problem;
  }

  /** The same problem with {@code prefix + "."} in front of the field. */
  public ToxicSettingException within(String prefix) {
    return new ToxicSettingException(prefix + "." + field, problem);
  }
}
