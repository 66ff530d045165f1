/** The tool's version, reported in JSON, SARIF and `--version`. Keep in step with package.json. */
export const VERSION = '0.1.0';
