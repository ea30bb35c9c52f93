package io.vtstatus.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/**
 * A {@code v1a} sender made with the JDK's Ed25519 alone, never our code: tests check our
 * signing and verification against it. Its {@code whpk_} is the raw 32-byte key read off the
 * public key's X.509 encoding.
 */
public final class JdkEd25519 {
  /** The X.509 SubjectPublicKeyInfo header of every Ed25519 public key; the raw key follows. */
  public static final byte[] X509_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

  public final KeyPair pair;
  public final String whpk;

  public JdkEd25519() throws GeneralSecurityException {
    pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    byte[] x509 = pair.getPublic().getEncoded();
    if (!Arrays.equals(X509_PREFIX, Arrays.copyOf(x509, X509_PREFIX.length)) || x509.length != 44) {
      throw new IllegalStateException("not an Ed25519 X.509 key: " + Arrays.toString(x509));
    }
    whpk = "whpk_" + Base64.getEncoder().encodeToString(Arrays.copyOfRange(x509, 12, 44));
  }

  /** {@code v1a,} + Ed25519 over {@code id.ts.} and the body's bytes. */
  public String sign(String id, long ts, byte[] body) throws GeneralSecurityException {
    Signature s = Signature.getInstance("Ed25519");
    s.initSign(pair.getPrivate());
    s.update((id + "." + ts + ".").getBytes(StandardCharsets.UTF_8));
    s.update(body);
    return "v1a," + Base64.getEncoder().encodeToString(s.sign());
  }
}
