// Validates an OpenAPI document (file path in argv[2]) against the OpenAPI
// 3.0 schema and resolves its references; exit 1 with the reasons if invalid.
import SwaggerParser from "@apidevtools/swagger-parser";

const file = process.argv[2];
try {
  const api = await SwaggerParser.validate(file);
  console.log(`valid OpenAPI ${api.openapi}: ${Object.keys(api.paths).length} paths`);
} catch (error) {
  console.error(`invalid OpenAPI document ${file}:\n${error.message}`);
  process.exit(1);
}
