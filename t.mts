import AjvImport from 'ajv';
const Ajv = (AjvImport as any).default ?? AjvImport;
const a = new Ajv({allErrors: true});
console.log(typeof Ajv, a.validate({type:'string'}, 1), a.errors);
