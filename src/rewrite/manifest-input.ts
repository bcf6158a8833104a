/**
 * @module
 * Reading Kubernetes manifests as people keep them: a folder of `.yaml`,
 * `.yml` and `.json` files (nested folders too), multi-document files with
 * `---` separators, comments, CRLF line ends — or one stream on stdin, as
 * Helm's post-renderer protocol hands it over. Documents keep their parsed
 * YAML form so an in-place edit keeps comments and layout.
 */
import { readdir, readFile, stat } from "node:fs/promises";
import { join, relative } from "node:path";
import { type Document, parseAllDocuments } from "yaml";
import type { ParsedDocument } from "./image-uses.ts";
import { RewriteError } from "./rewrite-error.ts";

/** One file and its documents (with the editable YAML documents beside the plain values). */
export interface ManifestFile {
  /** The path relative to the input folder (`-` for stdin). */
  readonly file: string;
  readonly text: string;
  readonly yaml: Document[];
  readonly documents: ParsedDocument[];
}

const maxFileBytes = 32 * 1024 * 1024;
const maxFiles = 10_000;
const manifestExtensions = /\.(ya?ml|json)$/i;

/** True when a folder is a kustomize root (it has a kustomization file). */
export function isKustomizationFile(name: string): boolean {
  return /^(kustomization\.ya?ml|Kustomization)$/.test(name);
}

/**
 * Parses one file's text. Throws RewriteError `input` naming the file and
 * line of the first YAML error. Documents that are empty (a trailing `---`)
 * are kept with a null value so indexes match the file.
 */
export function parseManifestText(file: string, text: string): ManifestFile {
  const yaml = parseAllDocuments(text, { prettyErrors: true });
  if (!Array.isArray(yaml)) return { file, text, yaml: [], documents: [] };
  const documents: ParsedDocument[] = [];
  yaml.forEach((doc, document) => {
    const error = doc.errors[0];
    if (error !== undefined) {
      const line = error.linePos?.[0].line;
      throw new RewriteError(
        "input",
        `${file}${line ? `:${line}` : ""}: invalid YAML: ${error.message.split("\n")[0]}`,
      );
    }
    documents.push({ file, document, value: doc.toJS({ maxAliasCount: 100 }) });
  });
  return { file, text, yaml, documents };
}

/** Reads every manifest file under `dir` (sorted by path); kustomization files are not manifests and are skipped. */
export async function readManifestDir(dir: string): Promise<ManifestFile[]> {
  const info = await stat(dir).catch(() => undefined);
  if (!info?.isDirectory())
    throw new RewriteError("input", `${dir} is not a folder: give the folder that holds the manifests, or - for stdin`);
  const paths = (await readdir(dir, { recursive: true, withFileTypes: true }))
    .filter((entry) => entry.isFile() && manifestExtensions.test(entry.name) && !isKustomizationFile(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
  if (paths.length > maxFiles) throw new RewriteError("input", `${dir} holds more than ${maxFiles} manifest files`);
  const files: ManifestFile[] = [];
  for (const path of paths) {
    const size = (await stat(path)).size;
    if (size > maxFileBytes) throw new RewriteError("input", `${path} is larger than ${maxFileBytes >> 20} MiB`);
    files.push(parseManifestText(relative(dir, path), await readFile(path, "utf8")));
  }
  return files;
}

/** Reads a whole stream (stdin) as one manifest file named `name`, up to the size limit. */
export async function readManifestStream(
  stream: AsyncIterable<Buffer | string>,
  name = "stdin.yaml",
): Promise<ManifestFile> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    size += buffer.length;
    if (size > maxFileBytes)
      throw new RewriteError("input", `the manifests on stdin are larger than ${maxFileBytes >> 20} MiB`);
    chunks.push(buffer);
  }
  return parseManifestText(name, Buffer.concat(chunks).toString("utf8"));
}
