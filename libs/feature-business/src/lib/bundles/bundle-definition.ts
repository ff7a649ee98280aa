/** A bundle (一件事) as declared in versioned YAML: which matters, in which order, under which policy. */
export interface BundleDefinition {
  code: string;
  version: number;
  name: string;
  /** `theme`: a declared 主题式 bundle; `free`: assembled by the applicant (自由组合). */
  kind: 'theme' | 'free';
  target: 'person' | 'company';
  /** Where the application may be made (comprehensive windows such as a maternity hospital). */
  intake?: string[];
  /** A rejection in one part: the other parts go on (`continue`), or every part stops (`stop-all`). */
  onRejection: 'continue' | 'stop-all';
  matters: { matter: string; after?: string[] }[];
  description?: string;
}
