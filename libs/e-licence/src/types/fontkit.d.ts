// fontkit 2 ships no type declarations; pdf-lib takes it as its font engine (registerFontkit).
declare module 'fontkit' {
  export function create(buffer: Uint8Array, postscriptName?: string): unknown;
}
