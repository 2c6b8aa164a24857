// `schema(api)`: the API's rules as a Standard Schema v1 object
// (https://standardschema.dev), so that form libraries that accept Standard
// Schema (react-hook-form resolvers, TanStack Form, ...) use them directly.
// Only errors fail; warnings are not Standard Schema issues.

/** RFC 6901 pointer -> path segments. */
function segments(pointer) {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
}

/** Built on the package's `validate`; `lang: 'zh'` gives Chinese messages. */
export function makeSchema(validate) {
  return function schema(api, { lang = 'en' } = {}) {
    return {
      '~standard': {
        version: 1,
        vendor: 'top-logistics',
        validate(value) {
          const report = validate(api, value);
          if (report.ok) return { value };
          return {
            issues: report.errors.map((e) => ({
              message: lang === 'zh' ? e.messageZh : e.message,
              path: segments(e.path),
            })),
          };
        },
      },
    };
  };
}
