const fs=require("fs"),path=require("path"),{pathToFileURL}=require("url");
(async()=>{
globalThis.PRISMA_WASM_PANIC_REGISTRY={message:"",set_message(m){this.message=m},get(){return this.message}};
const gluePath=require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
const glue=await import(pathToFileURL(gluePath).href);
const mod=new WebAssembly.Module(fs.readFileSync(path.join(path.dirname(gluePath),"schema_engine_bg.wasm")));
const inst=new WebAssembly.Instance(mod,{"./schema_engine_bg.js":glue});
glue.__wbg_set_wasm(inst.exports); inst.exports.__wbindgen_start();
const {PrismaPg}=require("@prisma/adapter-pg");
const {bindMigrationAwareSqlAdapterFactory}=require("@prisma/driver-adapter-utils");
const [db,port]=[process.argv[2],+process.argv[3]||5432];
const f=bindMigrationAwareSqlAdapterFactory(new PrismaPg({host:"127.0.0.1",port,user:"postgres",database:db, connectionTimeoutMillis:5000}));
const eng=await glue.SchemaEngine.new({datamodels:[["schema.prisma",'datasource db {\n provider = "postgresql"\n}\n']]},(l)=>{},f);
const schema={files:[{path:"prisma/schema.prisma",content:fs.readFileSync("prisma/schema.prisma","utf8")}]};
for (const [n,fn] of [["version",()=>eng.version()],["ensure",()=>eng.ensureConnectionValidity({datasource:{tag:"ConnectionString",url:"x"}})],
  ["diffurl",()=>eng.diff({from:{tag:"schemaDatasource",configDir:".",files:[{path:"s.prisma",content:'datasource db {\n provider = "postgresql"\n}\n'}]},to:{tag:"schemaDatamodel",...schema},script:false,exitCode:true,filters:{externalTables:[],externalEnums:[]}})]]) {
  try{ console.log(n, await fn()); }catch(e){console.log("ERR",n,e.message.slice(0,300), JSON.stringify(e));}
}
})();
