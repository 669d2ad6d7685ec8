/** The four manifest media types a registry may answer with (design rule 4). */
export const MediaType = {
  OciIndex: 'application/vnd.oci.image.index.v1+json',
  OciManifest: 'application/vnd.oci.image.manifest.v1+json',
  DockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  DockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

export type ManifestMediaType = (typeof MediaType)[keyof typeof MediaType];
export type IndexMediaType = typeof MediaType.OciIndex | typeof MediaType.DockerList;
export type ImageMediaType = typeof MediaType.OciManifest | typeof MediaType.DockerManifest;

/** Sent on every manifest GET/HEAD: Distribution answers 404 to a tag GET without the OCI index type. */
export const MANIFEST_ACCEPT = [MediaType.OciIndex, MediaType.OciManifest, MediaType.DockerList, MediaType.DockerManifest].join(
  ', ',
);

export function isIndexMediaType(m: string | undefined): m is IndexMediaType {
  return m === MediaType.OciIndex || m === MediaType.DockerList;
}

export function isImageMediaType(m: string | undefined): m is ImageMediaType {
  return m === MediaType.OciManifest || m === MediaType.DockerManifest;
}

/** The annotation that marks a buildx attestation entry (design rule 1). */
export const ATTESTATION_TYPE_ANNOTATION = 'vnd.docker.reference.type';
export const ATTESTATION_TYPE_VALUE = 'attestation-manifest';
export const ATTESTATION_SUBJECT_ANNOTATION = 'vnd.docker.reference.digest';

/** Registries limit manifests to 4 MiB (design rule 6). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

/** A buildx attestation written as a referrer of its image: the `artifactType` it carries (BuildKit's own). */
export const ATTESTATION_ARTIFACT_TYPE = 'application/vnd.docker.attestation.manifest.v1+json';
/** The layer annotation naming an in-toto statement's predicate type (provenance, SBOM …). */
export const PREDICATE_TYPE_ANNOTATION = 'in-toto.io/predicate-type';

/** The config media types of an image (OCI, Docker); any other config makes a manifest an artifact (design rule 16). */
export const IMAGE_CONFIG_TYPES: ReadonlySet<string> = new Set([
  'application/vnd.oci.image.config.v1+json',
  'application/vnd.docker.container.image.v1+json',
]);
/** BuildKit's config of an OCI-artifact attestation. */
export const ATTESTATION_CONFIG_TYPE = 'application/vnd.docker.attestation.config.v1+json';
/** An in-toto statement, as buildx stores one per attestation layer. */
export const IN_TOTO_LAYER_TYPE = 'application/vnd.in-toto+json';
/** Layers of attestations: in-toto statements (buildx) and DSSE envelopes (cosign `.att`). */
export const ATTESTATION_LAYER_TYPES: ReadonlySet<string> = new Set([
  IN_TOTO_LAYER_TYPE,
  'application/vnd.dsse.envelope.v1+json',
]);
/** The layer of a cosign signature (simple signing payload). */
export const COSIGN_SIGNATURE_LAYER_TYPE = 'application/vnd.dev.cosign.simplesigning.v1+json';
