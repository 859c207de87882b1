const fs=require("fs"),path=require("path"),{pathToFileURL}=require("url");
(async()=>{
globalThis.PRISMA_WASM_PANIC_REGISTRY={message:"",set_message(m){this.message=m},get(){return this.message}};
const gluePath=require.resolve("@prisma/schema-engine-wasm/schema_engine_bg");
const glue=await import(pathToFileURL(gluePath).href);
const mod=new WebAssembly.Module(fs.readFileSync(path.join(path.dirname(gluePath),"schema_engine_bg.wasm")));
const inst=new WebAssembly.Instance(mod,{"./schema_engine_bg.js":glue});
glue.__wbg_set_wasm(inst.exports); inst.exports.__wbindgen_start();
console.log("version", glue.version());
const {PrismaPg}=require("@prisma/adapter-pg");
const {bindMigrationAwareSqlAdapterFactory}=require("@prisma/driver-adapter-utils");
const f=bindMigrationAwareSqlAdapterFactory(new PrismaPg({host:"127.0.0.1",port:5432,user:"postgres",database:process.argv[2]||"postgres"}));
const eng=await glue.SchemaEngine.new({datamodels:[["schema.prisma",'datasource db {\n provider = "postgresql"\n}\n']]},(l)=>console.log("LOG",typeof l,l),f);
try{ console.log("v", await eng.version()); }catch(e){console.log("ERR version",e, Object.keys(e), e.constructor.name, JSON.stringify(e));}
try{ console.log(await eng.diff({from:{tag:"empty"},to:{tag:"schemaDatamodel",files:[{path:"prisma/schema.prisma",content:fs.readFileSync("prisma/schema.prisma","utf8")}]},script:true,exitCode:null,filters:{externalTables:[],externalEnums:[]}}).then(r=>({exitCode:r.exitCode,len:r.stdout&&r.stdout.length, tail: r.stdout&&JSON.stringify(r.stdout.slice(-80))}))); }catch(e){console.log("ERR diff",e,JSON.stringify(e));}
try{ console.log(await eng.diff({from:{tag:"empty"},to:{tag:"empty"},script:false,exitCode:true,filters:{externalTables:[],externalEnums:[]}})); }catch(e){console.log("ERR diff",e,JSON.stringify(e));}
try{ console.log(await eng.schemaPush({force:false,schema:{files:[{path:"x.prisma",content:"model A { id Int @id\n x Strin }"}]},filters:{externalTables:[],externalEnums:[]}})); }catch(e){console.log("ERR push",e, Object.keys(e), JSON.stringify(e));}
})();
