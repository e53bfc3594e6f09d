/**
 * OpenPGP signing of repomd.xml with openpgp.js: no gpg-agent, no keyring on disk. Keys are v4
 * EdDSA (ed25519 "legacy") keys with a cv25519 encryption subkey, which gpg 2.2 (what dnf's gpgme
 * uses on Debian 12) verifies; signatures are detached, ASCII-armored, binary-mode (type 0x00).
 */
import { readFile } from "node:fs/promises";
import * as openpgp from "openpgp";
import type { RepomdSigner } from "./repodata/types.js";
import { RepoError } from "./types.js";

export interface GeneratedKey {
  /** Armored private key (encrypted with the passphrase when one was given). */
  privateKey: string;
  /** Armored public key: what clients import (served as repomd.xml.key). */
  publicKey: string;
  /** Uppercase hex fingerprint. */
  fingerprint: string;
}

/** Generates a signing key pair for `name <email>`; encrypted when `passphrase` is given. */
export async function generateSigningKey(
  name: string,
  email: string,
  passphrase?: string,
): Promise<GeneratedKey> {
  const generated = await openpgp.generateKey({
    type: "ecc",
    curve: "ed25519Legacy",
    userIDs: [{ name, email }],
    format: "armored",
    ...(passphrase !== undefined && passphrase !== "" ? { passphrase } : {}),
  });
  const key = await openpgp.readKey({ armoredKey: generated.publicKey });
  return {
    privateKey: generated.privateKey,
    publicKey: generated.publicKey,
    fingerprint: key.getFingerprint().toUpperCase(),
  };
}

/** A RepomdSigner over an armored private key held in memory. */
export async function signerFromArmored(armoredKey: string, passphrase?: string): Promise<RepomdSigner> {
  let key: openpgp.PrivateKey;
  try {
    key = await openpgp.readPrivateKey({ armoredKey });
    if (!key.isDecrypted()) {
      if (passphrase === undefined) {
        throw new RepoError("INVALID_REQUEST", "the signing key is protected: give its passphrase");
      }
      key = await openpgp.decryptKey({ privateKey: key, passphrase });
    }
  } catch (error) {
    if (error instanceof RepoError) throw error;
    const reason = error instanceof Error ? error.message : String(error);
    throw new RepoError("INVALID_REQUEST", `cannot use the signing key: ${reason}`, { cause: error });
  }
  const signingKey = key;
  const publicKey = signingKey.toPublic().armor();
  return {
    async sign(repomd: Uint8Array) {
      const message = await openpgp.createMessage({ binary: repomd });
      const signature = await openpgp.sign({
        message,
        signingKeys: signingKey,
        detached: true,
        format: "armored",
      });
      return { signature, publicKey };
    },
  };
}

/** Loads an armored private key file (as written by generateSigningKey or `gpg --export-secret-keys -a`). */
export async function loadSigner(armoredKeyPath: string, passphrase?: string): Promise<RepomdSigner> {
  let armored: string;
  try {
    armored = await readFile(armoredKeyPath, "utf8");
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RepoError("INVALID_REQUEST", `cannot read signing key ${armoredKeyPath}: ${reason}`, {
      cause: error,
    });
  }
  return signerFromArmored(armored, passphrase);
}
