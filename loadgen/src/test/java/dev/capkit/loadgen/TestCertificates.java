package dev.capkit.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A server certificate made for one test with the JDK's own {@code keytool} (no BouncyCastle, and
 * Netty's {@code SelfSignedCertificate} needs it on Java 17): a self-signed EC key pair in a
 * PKCS#12 key store, and its certificate as PEM, which serves as the CA bundle that trusts it.
 *
 * @param keyStore PKCS#12 file with the key pair (password {@link #PASSWORD})
 * @param pem      the certificate, PEM: a CA bundle trusting exactly this server
 */
record TestCertificates(Path keyStore, Path pem) {

  static final String PASSWORD = "capkit-test";

  /** A certificate for {@code san} (keytool syntax, e.g. {@code dns:localhost,ip:127.0.0.1}), valid 2 days. */
  static TestCertificates make(Path dir, String name, String san) throws IOException, InterruptedException {
    Path ks = dir.resolve(name + ".p12");
    Path pem = dir.resolve(name + ".pem");
    keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
        "-ext", "SAN=" + san, "-validity", "2", "-keystore", ks.toString(), "-storetype", "PKCS12",
        "-storepass", PASSWORD, "-keypass", PASSWORD);
    keytool("-exportcert", "-rfc", "-alias", "server", "-keystore", ks.toString(), "-storepass", PASSWORD,
        "-file", pem.toString());
    return new TestCertificates(ks, pem);
  }

  /** A server-side JDK TLS context presenting this certificate. */
  SSLContext serverContext() throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(store, PASSWORD.toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  private static void keytool(String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    cmd.addAll(List.of(args));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IOException("keytool " + String.join(" ", args) + " failed: " + output);
    }
  }
}
