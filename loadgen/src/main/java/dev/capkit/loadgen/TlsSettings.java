package dev.capkit.loadgen;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.net.ssl.SSLException;

/**
 * How capkit trusts an {@code https://} target: the JDK's default CA certificates, a CA bundle
 * (a PEM file of one or more {@code -----BEGIN CERTIFICATE-----} blocks, as {@code curl --cacert}
 * takes), or, only when asked explicitly, no verification at all ({@code insecure}; every run made
 * so records it). The server's host name is always checked against its certificate unless
 * {@code insecure}. TLS 1.3 and 1.2 are offered, HTTP/1.1 inside (no ALPN: servers then answer
 * HTTP/1.1, which is what capkit's streaming measurement is built for).
 *
 * <pre>{@code
 * TlsSettings tls = TlsSettings.caBundle(Path.of("/etc/ssl/gateway-ca.pem"));
 * SslContext ctx = tls.clientContext();
 * }</pre>
 *
 * @param caBundle PEM file of trusted CA certificates, or {@code null} for the JDK's defaults
 * @param insecure accept any certificate for any host name (test servers only)
 */
public record TlsSettings(Path caBundle, boolean insecure) {

  /** Protocols offered, newest first. */
  public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  /** The JDK's default trust store, host names verified. */
  public static final TlsSettings DEFAULT = new TlsSettings(null, false);

  public TlsSettings {
    if (caBundle != null && insecure) {
      throw new IllegalArgumentException("a CA bundle (" + caBundle + ") and the insecure opt-in exclude each other: "
          + "give one of them");
    }
  }

  /** Trusts the CA certificates in {@code pemFile} (and only those). */
  public static TlsSettings caBundle(Path pemFile) {
    return new TlsSettings(pemFile, false);
  }

  /** Accepts any certificate: for a test server with a self-made certificate, never for production. */
  public static TlsSettings insecureOptIn() {
    return new TlsSettings(null, true);
  }

  /**
   * Netty client context for these settings; a CA bundle that is missing or holds no certificate
   * fails here, naming the file.
   */
  public SslContext clientContext() {
    SslContextBuilder b = SslContextBuilder.forClient().sslProvider(SslProvider.JDK).protocols(PROTOCOLS);
    if (insecure) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null);
    } else {
      b.endpointIdentificationAlgorithm("HTTPS");
      if (caBundle != null) {
        if (!Files.isRegularFile(caBundle) || !Files.isReadable(caBundle)) {
          throw new IllegalArgumentException("CA bundle " + caBundle + " is not a readable file");
        }
        b.trustManager(caBundle.toFile());
      }
    }
    try {
      return b.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new IllegalArgumentException(caBundle == null ? "TLS client setup failed: " + e.getMessage()
          : "CA bundle " + caBundle + " is not a PEM file of certificates: " + e.getMessage(), e);
    }
  }

  /** What a run records of these settings (never a secret: a path and a flag). */
  public Map<String, String> describe() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("trust", insecure ? "insecure (no certificate or host name check, explicit opt-in)"
        : caBundle == null ? "JDK default CA certificates" : "CA bundle " + caBundle.toAbsolutePath());
    return m;
  }
}
